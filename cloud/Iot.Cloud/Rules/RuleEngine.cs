using System.Text.Json;
using Iot.Cloud.Ingest;
using Iot.Cloud.Sites;
using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Cloud.Rules;

/// <summary>
/// Evaluates every rule against what arrives (readings, events, agent status) and against the clock, and returns the
/// transitions: raise, repeat, clear. All rule kinds share <see cref="ConditionTracker"/>; this class only turns
/// inputs into conditions. It keeps state in memory (the caller persists <see cref="TakeDirty"/>), is fed by one
/// thread, and takes time from its inputs and ticks, so tests drive it with a fake clock.
/// </summary>
public sealed class RuleEngine(SunClock sun)
{
    private readonly Dictionary<(string Key, string Subject), ConditionState> _states = [];
    private readonly HashSet<(string Key, string Subject)> _dirty = [];
    private readonly Dictionary<(AgentId Agent, DeviceId Device), DateTimeOffset> _lastReading = [];
    private readonly Dictionary<(AgentId Agent, DeviceId Device, string Signal), Queue<(DateTimeOffset At, double Value)>> _trails = [];
    private readonly Dictionary<AgentId, (bool Online, DateTimeOffset Since)> _presence = [];

    // The first tick of this engine: silence before it (a cloud restart) was not watched, so it is not counted.
    private DateTimeOffset? _watchingSince;

    /// <summary>Restores persisted states (at start).</summary>
    public void Load(IEnumerable<(string Key, string Subject, ConditionState State)> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        foreach (var (key, subject, state) in states)
        {
            _states[(key, subject)] = state;
        }
    }

    /// <summary>Restores what is known of presence and last readings (at start), so staleness is not guessed.</summary>
    public void Seed(AgentId agent, bool online, DateTimeOffset since) => _presence[agent] = (online, since);

    /// <summary>States changed since the last call, for persisting.</summary>
    public IReadOnlyList<(string Key, string Subject, ConditionState State)> TakeDirty()
    {
        var dirty = _dirty.Select(k => (k.Key, k.Subject, _states[k])).ToList();
        _dirty.Clear();
        return dirty;
    }

    /// <summary>The state of one rule for one subject (for tests and the API).</summary>
    public ConditionState StateOf(string key, string subject) => _states.GetValueOrDefault((key, subject), ConditionState.Initial);

    public List<RuleTransition> OnReadings(IEnumerable<StoredReading> readings, RuleSet rules, RegistrySnapshot registry)
    {
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(registry);
        var transitions = new List<RuleTransition>();
        foreach (var reading in readings)
        {
            if (!registry.Agents.TryGetValue(reading.Agent, out var agent) || Device(agent, reading.Sensor.Device) is not { } device)
            {
                continue;
            }

            var agentId = reading.Agent;
            var deviceId = device.Id;
            var (outlet, signal) = SplitSignal(reading.Sensor.Signal);
            HeardFrom(agentId, deviceId, reading.At);

            var courtyard = agent.Courtyard.Id;
            foreach (var rule in rules.For(courtyard, WireNames.Of(device.Kind)))
            {
                var p = rule.Parameters;
                if (p.Signal != signal)
                {
                    continue;
                }

                var (raiseFor, clearFor) = Durations(rule, p, device);
                var condition = rule.Kind switch
                {
                    RuleKind.Threshold => ThresholdCondition(p, device, reading.Value),
                    RuleKind.TimeOfDay => InWindow(p, reading.At) ? ThresholdCondition(p, device, reading.Value) : Condition.Clear,
                    RuleKind.RateOfRise => RiseCondition(p, device, agentId, deviceId, signal, reading.At, reading.Value),
                    _ => Condition.Unknown,
                };
                var value = rule.Kind == RuleKind.RateOfRise ? Slope(agentId, deviceId, signal) : reading.Value;
                Observe(transitions, rule, Subject(agentId, deviceId, outlet), agentId, deviceId, outlet, courtyard, condition, reading.At, value, raiseFor, clearFor);
            }
        }

        return transitions;
    }

    public List<RuleTransition> OnEvent(AgentId agentId, DeviceId deviceId, EventKind kind, int? outlet, DateTimeOffset at, double? value, RuleSet rules, RegistrySnapshot registry)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(registry);
        var transitions = new List<RuleTransition>();
        if (!registry.Agents.TryGetValue(agentId, out var agent) || Device(agent, deviceId) is not { } device)
        {
            return transitions;
        }

        var wire = WireNames.Of(kind);
        var courtyard = agent.Courtyard.Id;
        HeardFrom(agentId, deviceId, at);
        foreach (var rule in rules.For(courtyard, WireNames.Of(device.Kind)).Where(r => r.Kind == RuleKind.EdgeEvent))
        {
            var p = rule.Parameters;
            var condition = p.RaiseOn?.Contains(wire) == true ? Condition.Raise : p.ClearOn?.Contains(wire) == true ? Condition.Clear : Condition.Unknown;
            if (condition == Condition.Unknown)
            {
                continue;
            }

            // A clear event without an outlet (a gate closing, a reset of the station) clears every outlet's alert.
            var subjects = condition == Condition.Clear && outlet is null
                ? _states.Keys.Where(k => k.Key == rule.Key && k.Subject.StartsWith(Subject(agentId, deviceId, null), StringComparison.Ordinal)).Select(k => k.Subject).ToList()
                : [Subject(agentId, deviceId, outlet)];
            foreach (var subject in subjects.DefaultIfEmpty(Subject(agentId, deviceId, outlet)))
            {
                var state = StateOf(rule.Key, subject);
                if (condition == Condition.Raise && state.Phase == Phase.Raised)
                {
                    Set(rule.Key, subject, state with { LastAt = at > state.LastAt ? at : state.LastAt, LastValue = value ?? state.LastValue });
                    transitions.Add(new RuleTransition(rule, subject, agentId, deviceId, OutletOf(subject), courtyard, TransitionKind.Repeated, at, value));
                    continue;
                }

                if (at < state.LastAt)
                {
                    // An event heard after a later one: another instance (or a replay) saw the later one first. An event
                    // is a fact, never stale: a raise still raises, and is cleared at once when a clear came after it; a
                    // clear clears what is raised (the alerts stage ignores it when nothing is open).
                    var of = OutletOf(subject);
                    if (condition == Condition.Raise)
                    {
                        transitions.Add(new RuleTransition(rule, subject, agentId, deviceId, of, courtyard, TransitionKind.Raised, at, value));
                        if (state.Last == Condition.Clear)
                        {
                            transitions.Add(new RuleTransition(rule, subject, agentId, deviceId, of, courtyard, TransitionKind.Cleared, state.LastAt, state.LastValue));
                        }
                        else
                        {
                            Set(rule.Key, subject, state with { Phase = Phase.Raised, Since = at });
                        }
                    }

                    continue;
                }

                if (condition == Condition.Clear && state.Phase != Phase.Raised)
                {
                    // This instance never saw the raise (another one did): the clear is still a fact for the alert.
                    Set(rule.Key, subject, state with { Last = condition, LastAt = at, LastValue = value ?? state.LastValue });
                    transitions.Add(new RuleTransition(rule, subject, agentId, deviceId, OutletOf(subject), courtyard, TransitionKind.Cleared, at, value));
                    continue;
                }

                Observe(transitions, rule, subject, agentId, deviceId, OutletOf(subject), courtyard, condition, at, value, TimeSpan.Zero, TimeSpan.Zero);
            }
        }

        return transitions;
    }

    public List<RuleTransition> OnStatus(AgentStatus status, DateTimeOffset receivedAt, RuleSet rules, RegistrySnapshot registry)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(registry);
        var transitions = new List<RuleTransition>();
        if (!registry.Agents.TryGetValue(status.Agent, out var agent))
        {
            return transitions;
        }

        var id = status.Agent;
        var courtyard = agent.Courtyard.Id;
        var online = status.State == Presence.Online;
        if (!_presence.TryGetValue(id, out var presence) || presence.Online != online)
        {
            _presence[id] = (online, receivedAt);
        }

        foreach (var rule in rules.For(courtyard, "agent"))
        {
            var p = rule.Parameters;
            var (condition, value, raiseFor, clearFor) = rule.Kind switch
            {
                RuleKind.Offline => (online ? Condition.Clear : Condition.Raise, (double?)null, Seconds(p.GraceSeconds), TimeSpan.Zero),
                RuleKind.AgentHealth => Health(p, status, StateOf(rule.Key, id.Value)),
                _ => (Condition.Unknown, null, TimeSpan.Zero, TimeSpan.Zero),
            };
            if (condition != Condition.Unknown)
            {
                Observe(transitions, rule, id.Value, id, null, null, courtyard, condition, receivedAt, value, raiseFor, clearFor);
            }
        }

        return transitions;
    }

    /// <summary>Ingest saw an agent go over its message budget, or come back within it (the <c>agentFlooding</c> health rules).</summary>
    public List<RuleTransition> OnFlood(AgentFlood flood, RuleSet rules, RegistrySnapshot registry)
    {
        ArgumentNullException.ThrowIfNull(flood);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(registry);
        var transitions = new List<RuleTransition>();
        if (!registry.Agents.TryGetValue(flood.Agent, out var agent))
        {
            return transitions;
        }

        foreach (var rule in rules.For(agent.Courtyard.Id, "agent").Where(r => r.Kind == RuleKind.AgentHealth && r.Parameters.Health == "agentFlooding"))
        {
            // Ingest already waited for a quiet spell before saying the flood ended.
            Observe(transitions, rule, flood.Agent.Value, flood.Agent, null, null, agent.Courtyard.Id, flood.Flooding ? Condition.Raise : Condition.Clear, flood.At, flood.Refused, TimeSpan.Zero, TimeSpan.Zero);
        }

        return transitions;
    }

    /// <summary>
    /// Lets time pass: completes raises and clears whose durations ran out, finds stale devices (unless
    /// <paramref name="watchSilence"/> is false: while agents replay a backlog, its spacing is no sign of a silent sensor),
    /// auto-clears events.
    /// </summary>
    public List<RuleTransition> Tick(DateTimeOffset now, RuleSet rules, RegistrySnapshot registry, bool watchSilence = true)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(registry);
        var transitions = new List<RuleTransition>();
        _watchingSince ??= now;

        // Only rules part-way through a raise or a clear, or events waiting to auto-clear, can change with time alone.
        foreach (var ((key, subject), state) in _states.Where(p => p.Value.Phase is Phase.Raising or Phase.Clearing or Phase.Raised).ToList())
        {
            if (!Kernel.Subject.TryParse(subject, out var about) || about.Value.Agent is var agentId && !registry.Agents.TryGetValue(agentId, out var agent)
                || rules.Find(agent.Courtyard.Id, key) is not { } rule)
            {
                continue;
            }

            var courtyard = agent.Courtyard.Id;
            var device = about.Value.Device is { } deviceId ? agent.Manifest.Devices.FirstOrDefault(d => d.Id == deviceId) : null;
            var p = rule.Parameters;
            switch (rule.Kind)
            {
                case RuleKind.EdgeEvent when state.Phase == Phase.Raised && p.AutoClearMinutes is { } minutes && now - state.LastAt >= TimeSpan.FromMinutes(minutes):
                    Observe(transitions, rule, subject, agentId, device?.Id, OutletOf(subject), courtyard, Condition.Clear, now, null, TimeSpan.Zero, TimeSpan.Zero);
                    break;
                case RuleKind.Offline when state.Phase != Phase.Raised:
                    TickOne(transitions, rule, subject, agentId, null, null, courtyard, now, Seconds(p.GraceSeconds), TimeSpan.Zero, TimeSpan.MaxValue);
                    break;
                case RuleKind.AgentHealth when state.Phase != Phase.Raised:
                    TickOne(transitions, rule, subject, agentId, null, null, courtyard, now, Seconds(p.ForSeconds), Seconds(p.ClearForSeconds), TimeSpan.MaxValue);
                    break;
                case RuleKind.Threshold or RuleKind.TimeOfDay or RuleKind.RateOfRise when device is not null && state.Phase != Phase.Raised:
                    var (raiseFor, clearFor) = Durations(rule, p, device);
                    var trust = TimeSpan.FromSeconds(Math.Max(60, 3 * agent.Manifest.SampleSeconds));
                    TickOne(transitions, rule, subject, agentId, device.Id, OutletOf(subject), courtyard, now, raiseFor, clearFor, trust);
                    break;
            }
        }

        if (!watchSilence)
        {
            return transitions;
        }

        foreach (var (id, agent) in registry.Agents)
        {
            var courtyard = agent.Courtyard.Id;
            foreach (var rule in rules.For(courtyard, "device").Where(r => r.Kind == RuleKind.Stale))
            {
                foreach (var device in agent.Manifest.Devices)
                {
                    StaleCheck(transitions, rule, agent, id, device, courtyard, now);
                }
            }
        }

        return transitions;
    }

    private void HeardFrom(AgentId agent, DeviceId device, DateTimeOffset at)
    {
        if (!_lastReading.TryGetValue((agent, device), out var last) || at > last)
        {
            _lastReading[(agent, device)] = at;
        }
    }

    private void StaleCheck(List<RuleTransition> transitions, Rule rule, RegisteredAgent agent, AgentId agentId, DeviceManifest device, CourtyardId courtyard, DateTimeOffset now)
    {
        var deviceId = device.Id;
        var subject = Subject(agentId, deviceId, null);
        var limit = TimeSpan.FromSeconds(Math.Max(agent.Manifest.SampleSeconds * (rule.Parameters.MissedSamples ?? 6), rule.Parameters.GraceSeconds ?? 0));
        var heard = _lastReading.TryGetValue((agentId, deviceId), out var last) ? last : (DateTimeOffset?)null;
        var condition = Condition.Unknown;
        if (heard is { } h && now - h <= limit)
        {
            condition = Condition.Clear;
        }
        else if (_presence.TryGetValue(agentId, out var presence) && presence.Online && now - Max(Max(heard, presence.Since), _watchingSince ?? now) > limit)
        {
            // Only an agent that is online can have a silent device; an offline agent is the offline rule's business.
            condition = Condition.Raise;
        }

        if (condition != Condition.Unknown && !(condition == Condition.Clear && StateOf(rule.Key, subject).Phase == Phase.Normal))
        {
            Observe(transitions, rule, subject, agentId, deviceId, null, courtyard, condition, now, heard is { } x ? (now - x).TotalSeconds : null, TimeSpan.Zero, TimeSpan.Zero);
        }
    }

    private void TickOne(List<RuleTransition> transitions, Rule rule, string subject, AgentId agent, DeviceId? device, int? outlet, CourtyardId courtyard, DateTimeOffset now, TimeSpan raiseFor, TimeSpan clearFor, TimeSpan trustFor)
    {
        if (!_states.TryGetValue((rule.Key, subject), out var state) || state.Phase is not (Phase.Raising or Phase.Clearing))
        {
            return;
        }

        var (next, transition) = ConditionTracker.Tick(state, now, raiseFor, clearFor, trustFor);
        Apply(transitions, rule, subject, agent, device, outlet, courtyard, state, next, transition);
    }

    private void Observe(List<RuleTransition> transitions, Rule rule, string subject, AgentId agent, DeviceId? device, int? outlet, CourtyardId courtyard, Condition condition, DateTimeOffset at, double? value, TimeSpan raiseFor, TimeSpan clearFor)
    {
        var state = StateOf(rule.Key, subject);
        var (next, transition) = ConditionTracker.Observe(state, condition, at, value, raiseFor, clearFor);
        Apply(transitions, rule, subject, agent, device, outlet, courtyard, state, next, transition);
    }

    private void Apply(List<RuleTransition> transitions, Rule rule, string subject, AgentId agent, DeviceId? device, int? outlet, CourtyardId courtyard, ConditionState before, ConditionState after, Transition? transition)
    {
        if (before != after)
        {
            Set(rule.Key, subject, after);
        }

        if (transition is not null)
        {
            transitions.Add(new RuleTransition(rule, subject, agent, device, outlet, courtyard, transition.Raised ? TransitionKind.Raised : TransitionKind.Cleared, transition.At, transition.Value));
        }
    }

    private void Set(string key, string subject, ConditionState state)
    {
        _states[(key, subject)] = state;
        _dirty.Add((key, subject));
    }

    private bool InWindow(RuleParameters p, DateTimeOffset at)
    {
        var margin = TimeSpan.FromMinutes(p.MarginMinutes ?? 0);
        return p.When == "night" ? sun.IsNight(at, margin) : sun.IsDay(at, margin);
    }

    private static Condition ThresholdCondition(RuleParameters p, DeviceManifest device, double value)
    {
        var t = Values(p, device);
        if (t.Above is { } above)
        {
            return value > above ? Condition.Raise : value < (t.ClearBelow ?? above) ? Condition.Clear : Condition.Band;
        }

        if (t.Below is { } below)
        {
            return value < below ? Condition.Raise : value > (t.ClearAbove ?? below) ? Condition.Clear : Condition.Band;
        }

        return Condition.Unknown;
    }

    private Condition RiseCondition(RuleParameters p, DeviceManifest device, AgentId agent, DeviceId deviceId, string signal, DateTimeOffset at, double value)
    {
        var key = (agent, deviceId, signal);
        if (!_trails.TryGetValue(key, out var trail))
        {
            _trails[key] = trail = new Queue<(DateTimeOffset, double)>();
        }

        var window = TimeSpan.FromMinutes(p.WindowMinutes ?? 10);
        trail.Enqueue((at, value));
        while (trail.Count > 0 && at - trail.Peek().At > window)
        {
            trail.Dequeue();
        }

        var slope = Slope(agent, deviceId, signal);
        if (slope is null || trail.Count < 3 || at - trail.Peek().At < window / 2)
        {
            return Condition.Unknown;
        }

        return ThresholdCondition(p, device, slope.Value);
    }

    // Least-squares slope of the trail, in units per minute.
    private double? Slope(AgentId agent, DeviceId device, string signal)
    {
        if (!_trails.TryGetValue((agent, device, signal), out var trail) || trail.Count < 2)
        {
            return null;
        }

        var t0 = trail.Peek().At;
        double n = trail.Count, sx = 0, sy = 0, sxx = 0, sxy = 0;
        foreach (var (at, v) in trail)
        {
            var x = (at - t0).TotalMinutes;
            sx += x;
            sy += v;
            sxx += x * x;
            sxy += x * v;
        }

        var denominator = (n * sxx) - (sx * sx);
        return denominator <= 1e-9 ? null : ((n * sxy) - (sx * sy)) / denominator;
    }

    private static (Condition, double?, TimeSpan, TimeSpan) Health(RuleParameters p, AgentStatus status, ConditionState previous)
    {
        var health = status.Health;
        return p.Health switch
        {
            // Dropping: the drop count grew since the last status (of this boot; a new boot starts from zero).
            "outboxDropping" when health is not null =>
                (previous.LastValue is { } before && health.OutboxDropped > before ? Condition.Raise : Condition.Clear, health.OutboxDropped, TimeSpan.Zero, Seconds(p.ClearForSeconds)),
            "diskLow" when health?.DiskFreeBytes is { } free =>
                (free < p.Limit ? Condition.Raise : free > p.Limit * 1.2 ? Condition.Clear : Condition.Band, free, TimeSpan.Zero, TimeSpan.Zero),
            "clockUnsynced" =>
                (status.ClockSynced ? Condition.Clear : TimeSpan.FromMilliseconds(status.BootMs) > TimeSpan.FromHours(p.Limit ?? 1) ? Condition.Raise : Condition.Band, status.BootMs / 3_600_000.0, TimeSpan.Zero, TimeSpan.Zero),
            _ => (Condition.Unknown, null, TimeSpan.Zero, TimeSpan.Zero),
        };
    }

    // Explicit values in the rule win; otherwise the device's manifest threshold (or its default).
    private static Threshold Values(RuleParameters p, DeviceManifest device)
    {
        var manifest = p.Threshold is { } name && DeviceCatalog.ThresholdsOf(device.Kind).Any(t => t.Name == name)
            ? DeviceCatalog.ThresholdOf(device, name)
            : new Threshold();
        return p.Above is not null || p.Below is not null
            ? new Threshold(p.Above, p.ClearBelow ?? p.Above, p.Below, p.ClearAbove ?? p.Below, p.ForSeconds)
            : manifest;
    }

    private static (TimeSpan RaiseFor, TimeSpan ClearFor) Durations(Rule rule, RuleParameters p, DeviceManifest device)
    {
        var raise = p.ForSeconds ?? Values(p, device).ForSeconds ?? 0;
        return (TimeSpan.FromSeconds(raise), TimeSpan.FromSeconds(p.ClearForSeconds ?? raise));
    }

    private static DeviceManifest? Device(RegisteredAgent agent, DeviceId id) => agent.Manifest.Devices.FirstOrDefault(d => d.Id == id);

    // "o2-current" is signal "current" of outlet 2; "temperature" has no outlet.
    private static (int? Outlet, string Signal) SplitSignal(string signal)
    {
        var dash = signal.IndexOf('-', StringComparison.Ordinal);
        return signal.Length > 1 && signal[0] == 'o' && dash > 1 && int.TryParse(signal.AsSpan(1, dash - 1), out var outlet)
            ? (outlet, signal[(dash + 1)..])
            : (null, signal);
    }

    private static string Subject(AgentId agent, DeviceId device, int? outlet) => new Kernel.Subject(agent, device, outlet).ToString();

    private static int? OutletOf(string subject) => Kernel.Subject.TryParse(subject, out var parsed) ? parsed.Value.Outlet : null;

    private static TimeSpan Seconds(double? seconds) => TimeSpan.FromSeconds(seconds ?? 0);

    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    /// <summary>JSON for persisted states.</summary>
    public static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web);
}
