using System.Data.Common;
using Iot.Cloud.Data;
using Iot.Cloud.Operations;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Assessment;

/// <summary>
/// Runs the assessment's sweep (<see cref="AssessmentService.SweepAsync"/>) every few minutes: last month's sheets
/// once the month has ended, exit reviews for notices past their deadline. Paced by the real-time clock; what is due
/// is judged on business time, so a test moves its fake clock and calls the sweep itself.
/// </summary>
public sealed partial class AssessmentSweep(
    IServiceScopeFactory scopes, [FromKeyedServices(Clocks.Retry)] TimeProvider pace, ILogger<AssessmentSweep> logger) : BackgroundService
{
    /// <summary>How often the sweep runs.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, pace);
        do
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException)
            {
                LogFailed(logger, e.Message); // the database is away, or another instance got there first: next time
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One sweep in its own scope, saved.</summary>
    public async Task<SweepResult> SweepOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        var result = await scope.ServiceProvider.GetRequiredService<AssessmentService>().SweepAsync(db, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The assessment sweep failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
