using Iot.Cloud.Kernel;
using Iot.Cloud.Rules;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Tests.Rules;

/// <summary>Each rule kind raises and clears at the right moment, with a fake clock (time travels in the inputs).</summary>
public class RuleEngineTests
{
    private static readonly AgentId Agent = AgentId.Parse("yikang-1-a");
    private static readonly CourtyardId Courtyard = CourtyardId.Parse("yikang-1");

    private readonly RuleEngine _engine = new(SampleSite.Sun);
    private readonly RuleSet _rules = SampleSite.Rules();

    private static StoredReading Reading(string sensor, Quantity quantity, double value, DateTimeOffset at) =>
        new(Courtyard, Agent, SensorId.Parse(sensor), quantity, value, at);

    // Feeds one reading every `step` seconds from `start`, values from the function, and collects transitions of `key`.
    private List<RuleTransition> Feed(string key, string sensor, Quantity quantity, DateTimeOffset start, int seconds, int step, Func<int, double> value)
    {
        var transitions = new List<RuleTransition>();
        for (var s = 0; s <= seconds; s += step)
        {
            transitions.AddRange(_engine.OnReadings([Reading(sensor, quantity, value(s), start.AddSeconds(s))], _rules, SampleSite.Registry).Where(t => t.Rule.Key == key));
        }

        return transitions;
    }

    private List<RuleTransition> Status(Presence state, DateTimeOffset at, AgentHealth? health = null, bool synced = true, long bootMs = 60_000) =>
        _engine.OnStatus(new AgentStatus(ProtocolVersion.Current, Agent, BootId.Parse("b1234567"), 1, state, "1.0.0", synced, bootMs, synced ? at : null, Health: health), at, _rules, SampleSite.Registry);

    [Fact]
    public void Drain_high_water_raises_after_its_duration_holds_in_the_band_and_clears_below_the_clear_level()
    {
        // The manifest of yikang-1's drain: above 25 cm for 30 s, clear below 15 cm.
        var t0 = SampleSite.Noon;
        var raised = Feed("drain-high-water", "drain-01.level", Quantity.WaterLevel, t0, 60, 5, s => s < 20 ? 10 : 26);
        var raise = Assert.Single(raised);
        Assert.Equal(TransitionKind.Raised, raise.Kind);
        Assert.Equal(t0.AddSeconds(50), raise.At);
        Assert.Equal("yikang-1-a/drain-01", raise.Subject);

        Assert.Empty(Feed("drain-high-water", "drain-01.level", Quantity.WaterLevel, t0.AddSeconds(65), 300, 5, _ => 20));
        var cleared = Feed("drain-high-water", "drain-01.level", Quantity.WaterLevel, t0.AddSeconds(400), 60, 5, _ => 10);
        Assert.Equal(TransitionKind.Cleared, Assert.Single(cleared).Kind);
        Assert.Equal(t0.AddSeconds(430), cleared[0].At);
    }

    [Fact]
    public void A_dark_lamp_raises_at_night_only_after_ten_minutes_and_clears_when_it_lights()
    {
        Assert.Empty(Feed("lamp-dark-at-night", "lamp-01.current", Quantity.Current, SampleSite.Noon, 1200, 5, _ => 0.0));

        var atNight = Feed("lamp-dark-at-night", "lamp-01.current", Quantity.Current, SampleSite.Night, 600, 5, _ => 0.0);
        Assert.Equal(SampleSite.Night.AddMinutes(10), Assert.Single(atNight).At);

        var lit = Feed("lamp-dark-at-night", "lamp-01.current", Quantity.Current, SampleSite.Night.AddMinutes(11), 120, 5, _ => 0.4);
        Assert.Equal(TransitionKind.Cleared, Assert.Single(lit).Kind);
    }

    [Fact]
    public void A_lamp_lit_all_morning_raises_lit_in_daylight()
    {
        var transitions = Feed("lamp-lit-in-daylight", "lamp-02.current", Quantity.Current, SampleSite.Noon, 1800, 10, _ => 0.35);
        Assert.Equal(TransitionKind.Raised, Assert.Single(transitions).Kind);
    }

    [Fact]
    public void A_drain_rising_three_cm_a_minute_raises_rising_fast_and_a_steady_level_clears_it()
    {
        var t0 = SampleSite.Noon;
        var rising = Feed("drain-rising-fast", "drain-01.level", Quantity.WaterLevel, t0, 900, 10, s => 5 + (3.0 * s / 60));
        var raise = Assert.Single(rising);
        Assert.InRange(raise.Value!.Value, 2.9, 3.1);

        var steady = Feed("drain-rising-fast", "drain-01.level", Quantity.WaterLevel, t0.AddSeconds(910), 1200, 10, _ => 50);
        Assert.Equal(TransitionKind.Cleared, Assert.Single(steady).Kind);
    }

    [Fact]
    public void An_agent_offline_past_its_grace_period_raises_and_coming_back_clears()
    {
        var t0 = SampleSite.Noon;
        Status(Presence.Online, t0);
        Assert.DoesNotContain(Status(Presence.Offline, t0.AddMinutes(1)), t => t.Rule.Key == "agent-offline");
        Assert.DoesNotContain(_engine.Tick(t0.AddMinutes(5), _rules, SampleSite.Registry), t => t.Rule.Key == "agent-offline");

        var raised = _engine.Tick(t0.AddMinutes(6), _rules, SampleSite.Registry).Where(t => t.Rule.Key == "agent-offline").ToList();
        Assert.Equal("yikang-1-a", Assert.Single(raised).Subject);

        var back = Status(Presence.Online, t0.AddMinutes(20)).Where(t => t.Rule.Key == "agent-offline");
        Assert.Equal(TransitionKind.Cleared, Assert.Single(back).Kind);
    }

    [Fact]
    public void A_device_silent_for_six_sample_intervals_and_two_minutes_of_an_online_agent_is_stale_until_it_reports()
    {
        var t0 = SampleSite.Noon;
        Status(Presence.Online, t0);
        _engine.OnReadings([Reading("gate-01.contact", Quantity.Contact, 0, t0)], _rules, SampleSite.Registry);
        foreach (var device in new[] { "lamp-01", "lamp-02", "lamp-03", "lamp-04", "drain-01", "charger-01" })
        {
            _engine.OnReadings([Reading($"{device}.current", Quantity.Current, 0.1, t0)], _rules, SampleSite.Registry);
        }

        _engine.Tick(t0, _rules, SampleSite.Registry);   // the engine is watching from here

        // Sample interval 5 s × 6 = 30 s, but never less than the rule's two minutes: a sensor settling after a start is not a fault.
        Assert.DoesNotContain(_engine.Tick(t0.AddSeconds(31), _rules, SampleSite.Registry), t => t.Rule.Key == "sensor-stale");
        Assert.DoesNotContain(_engine.Tick(t0.AddSeconds(120), _rules, SampleSite.Registry), t => t.Rule.Key == "sensor-stale");
        var stale = _engine.Tick(t0.AddSeconds(121), _rules, SampleSite.Registry).Where(t => t.Rule.Key == "sensor-stale").ToList();
        Assert.Contains(stale, t => t.Subject == "yikang-1-a/gate-01");

        _engine.OnReadings([Reading("gate-01.contact", Quantity.Contact, 0, t0.AddSeconds(130))], _rules, SampleSite.Registry);
        var fresh = _engine.Tick(t0.AddSeconds(131), _rules, SampleSite.Registry).Where(t => t.Rule.Key == "sensor-stale" && t.Subject == "yikang-1-a/gate-01");
        Assert.Equal(TransitionKind.Cleared, Assert.Single(fresh).Kind);
    }

    [Fact]
    public void After_a_cloud_restart_silence_counts_from_the_restart_not_from_when_the_agent_came_online()
    {
        // A new engine, as after a restart: the agent has been online for an hour and no reading has arrived yet.
        var t0 = SampleSite.Noon;
        _engine.Seed(Agent, online: true, since: t0.AddHours(-1));

        Assert.DoesNotContain(_engine.Tick(t0, _rules, SampleSite.Registry), t => t.Rule.Key == "sensor-stale");
        Assert.DoesNotContain(_engine.Tick(t0.AddSeconds(120), _rules, SampleSite.Registry), t => t.Rule.Key == "sensor-stale");
        Assert.Contains(_engine.Tick(t0.AddSeconds(121), _rules, SampleSite.Registry), t => t.Rule.Key == "sensor-stale" && t.Subject == "yikang-1-a/gate-01");
    }

    [Fact]
    public void A_forced_gate_raises_once_counts_repeats_and_clears_when_the_gate_closes()
    {
        var t0 = SampleSite.Night;
        var gate = DeviceId.Parse("gate-01");
        var first = _engine.OnEvent(Agent, gate, EventKind.GateForced, null, t0, null, _rules, SampleSite.Registry);
        var again = _engine.OnEvent(Agent, gate, EventKind.GateForced, null, t0.AddMinutes(1), null, _rules, SampleSite.Registry);
        var closed = _engine.OnEvent(Agent, gate, EventKind.GateClosed, null, t0.AddMinutes(2), null, _rules, SampleSite.Registry);

        Assert.Equal(TransitionKind.Raised, Assert.Single(first).Kind);
        Assert.Equal(Severity.Critical, first[0].Rule.Severity);
        Assert.Equal(TransitionKind.Repeated, Assert.Single(again).Kind);
        Assert.Equal(TransitionKind.Cleared, Assert.Single(closed, t => t.Rule.Key == "gate-forced").Kind);
    }

    [Fact]
    public void A_forced_gate_heard_after_its_closing_still_raises_and_is_cleared_at_once()
    {
        // Another instance heard the closing first and stored its view; this engine loaded it, then hears the forcing.
        var t0 = SampleSite.Night;
        var gate = DeviceId.Parse("gate-01");
        var closed = _engine.OnEvent(Agent, gate, EventKind.GateClosed, null, t0.AddSeconds(5), null, _rules, SampleSite.Registry);
        var forced = _engine.OnEvent(Agent, gate, EventKind.GateForced, null, t0, null, _rules, SampleSite.Registry).Where(t => t.Rule.Key == "gate-forced").ToList();

        Assert.Equal(TransitionKind.Cleared, Assert.Single(closed, t => t.Rule.Key == "gate-forced").Kind);
        Assert.Equal([(TransitionKind.Raised, t0), (TransitionKind.Cleared, t0.AddSeconds(5))], forced.Select(t => (t.Kind, t.At)));
        Assert.Equal(Phase.Normal, _engine.StateOf("gate-forced", "yikang-1-a/gate-01").Phase);
    }

    [Fact]
    public void A_charger_cut_off_is_a_fault_of_its_outlet_and_a_station_reset_clears_every_outlet()
    {
        var t0 = SampleSite.Night;
        var charger = DeviceId.Parse("charger-01");
        var o2 = _engine.OnEvent(Agent, charger, EventKind.ChargerCutOff, 2, t0, 71.5, _rules, SampleSite.Registry);
        var o3 = _engine.OnEvent(Agent, charger, EventKind.ChargerCutOff, 3, t0, 3.9, _rules, SampleSite.Registry);
        Assert.Equal("yikang-1-a/charger-01/o2", Assert.Single(o2).Subject);
        Assert.Equal(3, Assert.Single(o3).Outlet);

        var reset = _engine.OnEvent(Agent, charger, EventKind.ChargerReset, null, t0.AddMinutes(30), null, _rules, SampleSite.Registry)
            .Where(t => t.Rule.Key == "charger-cut-off").ToList();
        Assert.Equal(["yikang-1-a/charger-01/o2", "yikang-1-a/charger-01/o3"], reset.Select(t => t.Subject).Order(StringComparer.Ordinal));
        Assert.All(reset, t => Assert.Equal(TransitionKind.Cleared, t.Kind));
    }

    [Fact]
    public void Agent_health_raises_for_a_dropping_outbox_a_full_disk_and_a_clock_unsynced_for_long()
    {
        var t0 = SampleSite.Noon;
        Status(Presence.Online, t0, new AgentHealth(10, 100, 0, 0, 5_000_000_000));
        var dropping = Status(Presence.Online, t0.AddMinutes(1), new AgentHealth(10, 100, 250, 0, 150_000_000));
        Assert.Contains(dropping, t => t.Rule.Key == "agent-outbox-dropping" && t.Kind == TransitionKind.Raised);
        Assert.Contains(dropping, t => t.Rule.Key == "agent-disk-low" && t.Kind == TransitionKind.Raised);

        var unsynced = Status(Presence.Online, t0.AddHours(2), synced: false, bootMs: 2 * 3_600_000);
        Assert.Contains(unsynced, t => t.Rule.Key == "agent-clock-unsynced" && t.Kind == TransitionKind.Raised);
    }

    [Fact]
    public void A_courtyard_override_replaces_the_site_rule_for_that_courtyard_only()
    {
        var stricter = new Rule
        {
            Id = 99, Key = "drain-high-water", Version = 1, Scope = "courtyard:yikang-1", Name = "排水沟水位过高（本院）", Kind = RuleKind.Threshold,
            Target = "drain", Fault = "drain-flood", Severity = Severity.Critical, CreatedBy = "test",
            ParametersJson = new RuleParameters { Signal = "level", Above = 40, ClearBelow = 30, ForSeconds = 0 }.ToJson(),
        };
        var rules = SampleSite.Rules(stricter);
        Assert.Equal(Severity.Critical, rules.Find(CourtyardId.Parse("yikang-1"), "drain-high-water")!.Severity);
        Assert.Equal(Severity.Major, rules.Find(CourtyardId.Parse("yikang-6"), "drain-high-water")!.Severity);

        var at30 = _engine.OnReadings([Reading("drain-01.level", Quantity.WaterLevel, 30, SampleSite.Noon)], rules, SampleSite.Registry);
        Assert.DoesNotContain(at30, t => t.Rule.Key == "drain-high-water");
        var at41 = _engine.OnReadings([Reading("drain-01.level", Quantity.WaterLevel, 41, SampleSite.Noon.AddSeconds(5))], rules, SampleSite.Registry);
        Assert.Contains(at41, t => t.Rule.Key == "drain-high-water" && t.Kind == TransitionKind.Raised);
    }

    [Fact]
    public void Persisted_states_restore_a_raised_rule_after_a_restart()
    {
        var t0 = SampleSite.Noon;
        Feed("drain-high-water", "drain-01.level", Quantity.WaterLevel, t0, 60, 5, _ => 30);
        var saved = _engine.TakeDirty();

        var restarted = new RuleEngine(SampleSite.Sun);
        restarted.Load(saved);
        Assert.Equal(Phase.Raised, restarted.StateOf("drain-high-water", "yikang-1-a/drain-01").Phase);

        // Still raised: no second raise; and it clears normally.
        var again = restarted.OnReadings([Reading("drain-01.level", Quantity.WaterLevel, 30, t0.AddSeconds(70))], _rules, SampleSite.Registry);
        Assert.DoesNotContain(again, t => t.Rule.Key == "drain-high-water");
    }
}
