using Iot.Cloud.Ingest;
using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Demo.History;

/// <summary>
/// Moves the <see cref="HistoryClock"/> as the agents' replayed week is stored: to the oldest point every agent's replay
/// has passed (each agent replays its telemetry oldest first, so its newest stored reading is how far it has come). It
/// waits for every agent of the site to have sent something, or for <see cref="DemoStaffOptions.HistoryWaitSeconds"/>,
/// so the first agents do not run the clock ahead of the rest; it joins the wall clock once its steps have brought it
/// (and so the slowest agent) within 30 seconds of it, or after <see cref="DemoStaffOptions.HistoryMaxSeconds"/> whatever
/// happened. The clock moves in short steps, each worked before the next (<see cref="StepAsync"/>): the demo staff and
/// residents first do what falls due up to the step's time (the staff's moves dated when they would have made them),
/// then the clock's timers fire (the rules' sweep with its service-level escalations), so an order taken in time is not
/// escalated because the clock moved past its deadline. Every batch goes on to the rules as it would without this.
/// </summary>
public sealed partial class HistoryReplay(RuleInbox rules, RuleRunner runner, IOptions<RuleOptions> ruleOptions, HistoryClock clock, DemoStaff staff, DemoResidents residents, SiteRegistry registry, IOptions<DemoStaffOptions> options,
    [FromKeyedServices(Operations.Clocks.Retry)] TimeProvider wall, ILogger<HistoryReplay> logger) : BackgroundService, IStoredBatches
{
    // Within the stale-sensor rule's allowance, so joining the wall clock does not make the slowest agent look silent.
    private static readonly TimeSpan CaughtUp = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SweepWait = TimeSpan.FromSeconds(30);
    private readonly Dictionary<AgentId, DateTimeOffset> _progress = [];
    private readonly Lock _gate = new();
    private readonly DateTimeOffset _started = wall.GetUtcNow();
    private DateTimeOffset? _firstData;
    private int _steps;

    /// <inheritdoc />
    public async ValueTask StoredAsync(StoredBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!clock.Joined && batch.Readings.Count > 0)
        {
            lock (_gate)
            {
                _firstData ??= wall.GetUtcNow();
                foreach (var reading in batch.Readings)
                {
                    if (!_progress.TryGetValue(reading.Agent, out var at) || reading.At > at)
                    {
                        _progress[reading.Agent] = reading.At;
                    }
                }
            }
        }

        await rules.StoredAsync(batch, cancellationToken);
    }

    /// <summary>Where the clock should be: null to stay, or the time; joining when the replay has caught up or time is up.</summary>
    public (bool Join, DateTimeOffset? Target) Next()
    {
        var o = options.Value;
        var now = wall.GetUtcNow();
        DateTimeOffset? slowest;
        lock (_gate)
        {
            var agents = registry.Current?.Agents.Count ?? 0;
            var waited = _firstData is { } first && now - first >= TimeSpan.FromSeconds(o.HistoryWaitSeconds);
            slowest = _progress.Count > 0 && (_progress.Count >= agents || waited) ? _progress.Values.Min() : null;
        }

        // Joined once the clock itself has stepped to within the allowance: the steps can lag behind the agents' replay.
        return (OutOfTime() || clock.GetUtcNow() >= now - CaughtUp, slowest);
    }

    /// <summary>
    /// One move to where the replay has come, or the join. The clock goes there in steps of at most
    /// <see cref="DemoStaffOptions.HistoryStepMinutes"/>, and each step is worked before the next: the demo staff's and
    /// residents' round, then the clock's timers, then the rules' sweep at that time is waited for (which takes in the
    /// readings and events held until the clock reached them). So a fault and its order, the order's repair, and the same
    /// fault a day later happen in that order, however far the slowest agent's replay jumped since the last move.
    /// </summary>
    public async Task StepAsync(CancellationToken cancellationToken)
    {
        var (join, target) = Next();
        if (join)
        {
            var seconds = (wall.GetUtcNow() - _started).TotalSeconds;
            if (clock.Join())
            {
                LogJoined(logger, seconds, _progress.Count, _steps);
            }

            return;
        }

        // Each step must fire the rules' tick (their sweep), so none is shorter than it: a shorter way left waits for the
        // replay to move on.
        var tick = ruleOptions.Value.TickInterval;
        var step = TimeSpan.FromMinutes(options.Value.HistoryStepMinutes);
        step = step > tick ? step : tick;
        while (target is { } t && clock.GetUtcNow() is var now && t - now >= tick && !OutOfTime())
        {
            var next = t - now > step ? now + step : t;
            clock.Advance(next);
            _steps++;
            if (options.Value.Staff)
            {
                try
                {
                    await staff.RunOnceAsync(cancellationToken);
                    await residents.RunOnceAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A round that lost a race with a person is done again at the next move.
                    LogStaffFailed(logger, e.Message);
                }
            }

            clock.FireDue();
            try
            {
                await runner.SweptAsync(clock.GetUtcNow(), cancellationToken).WaitAsync(SweepWait, wall, cancellationToken);
            }
            catch (TimeoutException)
            {
                // The rules are failing (their log says why): the week goes on without waiting for them.
                LogSweepLate(logger, clock.GetUtcNow(), SweepWait.TotalSeconds);
            }
        }
    }

    private bool OutOfTime() => wall.GetUtcNow() - _started >= TimeSpan.FromSeconds(options.Value.HistoryMaxSeconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogReplaying(logger, clock.Start);
        using var timer = new PeriodicTimer(Every, wall);
        while (!clock.Joined && await timer.WaitForNextTickAsync(stoppingToken))
        {
            await StepAsync(stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo:HistoryDays: business time starts at {Start:O} and follows the agents' replayed history. Never use this in production.")]
    private static partial void LogReplaying(ILogger logger, DateTimeOffset start);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo history: business time joined the wall clock {Seconds:F1} s after the start ({Agents} agents replayed, {Steps} steps)")]
    private static partial void LogJoined(ILogger logger, double seconds, int agents, int steps);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo history: the rules did not sweep at {At:O} within {Seconds} s; the clock moves on")]
    private static partial void LogSweepLate(ILogger logger, DateTimeOffset at, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo history: a demo staff round failed, trying again at the next move: {Problem}")]
    private static partial void LogStaffFailed(ILogger logger, string problem);
}
