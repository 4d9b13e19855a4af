using System.Text.Json;
using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Rules;

/// <summary>
/// Runs the rules: takes what ingest stored, and the clock, through the <see cref="RuleEngine"/>, and raises the
/// evaluation (<see cref="RulesEvaluated"/>) in a unit of <see cref="Work"/>. The stages after it (alerts, work orders,
/// notifications) handle it in the same transaction as the rule states; nothing here knows them. One loop, one thread.
/// </summary>
public sealed partial class RuleRunner(
    RuleInbox inbox,
    SiteRegistry registry,
    IServiceScopeFactory scopes,
    InstanceBus bus,
    IOptions<RuleOptions> options,
    TimeProvider time,
    [FromKeyedServices(Operations.Clocks.Retry)] TimeProvider retryTime,
    ILogger<RuleRunner> logger) : BackgroundService
{
    /// <summary>How long an event another instance stored may wait unevaluated before this one takes it over.</summary>
    public static readonly TimeSpan HandOverAfter = TimeSpan.FromSeconds(30);

    private readonly Dictionary<long, DateTimeOffset> _waitingSince = [];
    private readonly AheadOfClock _ahead = new();
    private RuleEngine? _engine;
    private RuleSet _rules = RuleSet.Empty;
    private volatile bool _rulesChanged = true;
    private readonly Lock _sweepGate = new();
    private DateTimeOffset _sweptAt = DateTimeOffset.MinValue;
    private TaskCompletionSource _swept = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private const string RulesEdited = "rules";

    /// <summary>Rules were edited here: rebuild before the next evaluation, and tell the other instances to.</summary>
    public void RulesChanged()
    {
        _rulesChanged = true;
        bus.Publish(RulesEdited, string.Empty);
    }

    /// <summary>
    /// Completes once a sweep of the clock at <paramref name="at"/> or later is evaluated and committed: a demo's replayed
    /// week moves its clock a step at a time, each step worked by the rules before the next.
    /// </summary>
    public async Task SweptAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_sweepGate)
            {
                if (_sweptAt >= at)
                {
                    return;
                }

                next = _swept.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The engine's view of one rule for one subject (for the API).</summary>
    public ConditionState? StateOf(string key, string subject) => _engine?.StateOf(key, subject);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        registry.Changed += _ => _rulesChanged = true;

        // Another instance saved a rule, or this one may have missed that while its listener was away.
        bus.On(RulesEdited, _ => _rulesChanged = true);
        bus.Reconnected += () => _rulesChanged = true;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await InitializeAsync(evaluatePending: true, stoppingToken);
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database is not there yet: the rules wait for it rather than stopping the service.
                LogEvaluationFailed(logger, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 10)), retryTime, stoppingToken);
            }
        }

        using var timer = new PeriodicTimer(options.Value.TickInterval, time);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        var read = inbox.WaitToReadAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAny(read, tick);
                var inputs = inbox.TakeWaiting(64);

                if (read.IsCompleted)
                {
                    read = inbox.WaitToReadAsync(stoppingToken);
                }

                var ticked = tick.IsCompleted;
                if (ticked)
                {
                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                }

                if (inputs.Count > 0 || ticked)
                {
                    await EvaluateWithRetryAsync(inputs, ticked, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    // Another cloud instance may make the same alert or work order at the same moment; the database's unique indexes
    // let one win and the other fail. The loser reloads the rule states (now holding the winner's view) and evaluates
    // the same inputs again, so its raise becomes a repeat and its clear still clears. Any other failure (the database
    // away) backs off and tries again; the host is never stopped by it.
    private async Task EvaluateWithRetryAsync(IReadOnlyList<StoredBatch> inputs, bool sweep, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await EvaluateAsync(inputs, sweep, stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogEvaluationFailed(logger, attempt, e.Message);
                await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(50)), retryTime, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                try
                {
                    await InitializeAsync(evaluatePending: false, stoppingToken);
                }
                catch (Exception reload) when (reload is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogEvaluationFailed(logger, attempt, reload.Message);
                }
            }
        }
    }

    /// <summary>Evaluates inputs (and the clock, when <paramref name="sweep"/>) and saves everything that follows.</summary>
    public async Task EvaluateAsync(IReadOnlyList<StoredBatch> inputs, bool sweep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (registry.Current is not { } site || _engine is null)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var work = scope.ServiceProvider.GetRequiredService<Work>();
        var db = work.Db;
        if (_rulesChanged)
        {
            _rulesChanged = false;
            _rules = RuleSet.Build(await RuleCatalog.CurrentAsync(db, cancellationToken), site);
        }

        if (sweep && bus.Shared)
        {
            inputs = [.. inputs, new StoredBatch([], await OrphansAsync(db, time.GetUtcNow(), cancellationToken), [])];
        }

        // What lies beyond the clock's skew waits for the clock. Only a clock that runs behind on purpose (a demo's replayed
        // week) lets ingest store such; otherwise ingest refused it, and no reading of the batch need be looked at here.
        var now = time.GetUtcNow();
        if (time is Operations.LaggingClock)
        {
            inputs = _ahead.Release(inputs, now + MessageLimits.MaxFutureSkew);
        }

        // The engine works in memory, outside the transaction: most telemetry changes no rule's phase, and then there is
        // nothing to write and no write lock to take from the event lane. (A failure reloads the engine from the database,
        // so what it evaluated here is never half-saved.)
        var transitions = new List<RuleTransition>();
        var events = new List<DeviceEventRecord>();
        foreach (var input in inputs)
        {
            foreach (var (status, receivedAt) in input.Statuses)
            {
                transitions.AddRange(_engine.OnStatus(status, receivedAt, _rules, site));
            }

            foreach (var flood in input.Floods ?? [])
            {
                transitions.AddRange(_engine.OnFlood(flood, _rules, site));
            }

            transitions.AddRange(_engine.OnReadings(input.Readings, _rules, site));
            foreach (var e in input.Events.OrderBy(e => e.At))
            {
                if (WireNames.TryParse<EventKind>(e.Kind, out var kind))
                {
                    transitions.AddRange(_engine.OnEvent(e.AgentId, e.DeviceId, kind, e.Outlet, e.At, e.Value, _rules, site));
                }

                events.Add(e);
            }
        }

        if (sweep)
        {
            // A replayed week's readings are spaced wider than live ones: silence is watched from when the clock runs live.
            transitions.AddRange(_engine.Tick(now, _rules, site, watchSilence: time is not Operations.LaggingClock { Behind: true }));
        }

        var dirty = _engine.TakeDirty();
        if (transitions.Count == 0 && dirty.Count == 0 && events.Count == 0 && !sweep)
        {
            return;
        }

        // Alerts, the orders they make, their notifications and the rule states commit together, or not at all.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await work.RaiseAsync(new RulesEvaluated(transitions, sweep), cancellationToken);
        await SaveStatesAsync(db, dirty, now, cancellationToken);
        if (events.Count > 0)
        {
            var ids = events.Select(e => e.Id).ToList();
            await db.DeviceEvents.Where(e => ids.Contains(e.Id)).ExecuteUpdateAsync(s => s.SetProperty(e => e.Evaluated, true), cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        work.Committed();
        if (sweep)
        {
            Swept(now);
        }
    }

    private void Swept(DateTimeOffset at)
    {
        TaskCompletionSource done;
        lock (_sweepGate)
        {
            _sweptAt = at;
            done = _swept;
            _swept = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.SetResult();
    }

    // Events another instance stored but has not evaluated for HandOverAfter: that instance is gone (killed, its machine
    // lost), so this one evaluates them. Should it be slow rather than gone, an event evaluated twice is a repeat on the
    // alert, never a second alert (cloud/README.md, "Several instances").
    private async Task<List<DeviceEventRecord>> OrphansAsync(CloudDb db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var waiting = await db.DeviceEvents.AsNoTracking().Where(e => !e.Evaluated).Select(e => e.Id).ToListAsync(cancellationToken);
        foreach (var gone in _waitingSince.Keys.Except(waiting).ToList())
        {
            _waitingSince.Remove(gone);
        }

        var orphans = new List<long>();
        foreach (var id in waiting)
        {
            if (!_waitingSince.TryAdd(id, now) && now - _waitingSince[id] >= HandOverAfter)
            {
                orphans.Add(id);
            }
        }

        return orphans.Count == 0 ? [] : await db.DeviceEvents.AsNoTracking().Where(e => orphans.Contains(e.Id)).OrderBy(e => e.Id).ToListAsync(cancellationToken);
    }

    private async Task InitializeAsync(bool evaluatePending, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        await RuleCatalog.SeedDefaultsAsync(db, time.GetUtcNow(), cancellationToken);
        var site = registry.Current?.Site.Manifest ?? throw new InvalidOperationException("the site registry is not loaded");
        var engine = new RuleEngine(new SunClock(site.Location.Lat, site.Location.Lon, TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone)));
        engine.Load((await db.RuleStates.AsNoTracking().ToListAsync(cancellationToken))
            .Select(s => (s.RuleKey, s.Subject, JsonSerializer.Deserialize<ConditionState>(s.StateJson, RuleEngine.StateJson)!)));
        foreach (var p in await db.Presence.AsNoTracking().ToListAsync(cancellationToken))
        {
            engine.Seed(p.AgentId, p.State == Presence.Online, p.Since);
        }

        // Events stored but not evaluated before a crash are evaluated first, in order.
        var pending = await db.DeviceEvents.AsNoTracking().Where(e => !e.Evaluated).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        _engine = engine;
        _rulesChanged = true;
        if (evaluatePending && pending.Count > 0)
        {
            await EvaluateWithRetryAsync([new StoredBatch([], pending, [])], sweep: false, cancellationToken);
        }
    }

    private static async Task SaveStatesAsync(CloudDb db, IReadOnlyList<(string Key, string Subject, ConditionState State)> dirty, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (dirty.Count == 0)
        {
            return;
        }

        var subjects = dirty.Select(d => d.Subject).Distinct().ToList();
        var rows = await db.RuleStates.Where(r => subjects.Contains(r.Subject)).ToDictionaryAsync(r => (r.RuleKey, r.Subject), cancellationToken);
        foreach (var (key, subject, state) in dirty)
        {
            var json = JsonSerializer.Serialize(state, RuleEngine.StateJson);
            if (rows.TryGetValue((key, subject), out var row))
            {
                row.StateJson = json;
                row.UpdatedAt = now;
            }
            else
            {
                db.RuleStates.Add(new RuleStateRecord { RuleKey = key, Subject = subject, StateJson = json, UpdatedAt = now });
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule evaluation failed (attempt {Attempt}: {Reason}); reloading rule state from the database and trying again")]
    private static partial void LogEvaluationFailed(ILogger logger, int attempt, string reason);
}
