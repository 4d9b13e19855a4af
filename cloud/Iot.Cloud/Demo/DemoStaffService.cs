using Microsoft.Extensions.Options;

namespace Iot.Cloud.Demo;

/// <summary>Runs the demo staff (and a replayed week's residents) every few seconds of the cloud's business clock while <c>Demo:Staff</c> is on.</summary>
public sealed partial class DemoStaffService(DemoStaff staff, DemoResidents residents, IOptions<DemoStaffOptions> options, TimeProvider time, ILogger<DemoStaffService> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Staff)
        {
            return;
        }

        LogOn(logger);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Every, time, stoppingToken);
                if (time is Operations.LaggingClock { Behind: true })
                {
                    continue; // the replayed week's steps run the rounds themselves, each before the rules' sweep
                }

                var round = await staff.RunOnceAsync(stoppingToken);
                foreach (var number in round.Taken)
                {
                    LogTaken(logger, number);
                }

                foreach (var number in round.Fixed)
                {
                    LogFixed(logger, number);
                }

                LogResidents(logger, await residents.RunOnceAsync(stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A round that lost a race with a person (the order changed meanwhile) is simply tried again.
                LogFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo:Staff is on: demo staff take and fix orders from alerts. Never use this in production.")]
    private static partial void LogOn(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo staff took order {Number}")]
    private static partial void LogTaken(ILogger logger, string number);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo staff reported order {Number} fixed")]
    private static partial void LogFixed(ILogger logger, string number);

    private static void LogResidents(ILogger logger, ResidentRound round)
    {
        foreach (var number in round.Reported)
        {
            LogReported(logger, number);
        }

        foreach (var number in round.Rated)
        {
            LogRated(logger, number);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo residents reported a fault: order {Number}")]
    private static partial void LogReported(ILogger logger, string number);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo committee rated the repair of order {Number}")]
    private static partial void LogRated(ILogger logger, string number);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo staff round failed, trying again: {Problem}")]
    private static partial void LogFailed(ILogger logger, string problem);
}
