using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Edge.Sensors;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Messages;

namespace Iot.Edge.Tests.Safety;

public sealed class InterlockTests : IDisposable
{
    private readonly AgentHarness _agent = new(TestCourtyard.Only("charger-01", "charger-02"), safety: new SafetyOptions { RepeatWindowMinutes = 30, LockoutMinutes = 120 });

    public void Dispose() => _agent.Dispose();

    private Charger Station => (Charger)_agent.Runtime.Device("charger-01")!;

    private void Charging()
    {
        var model = _agent.Model.Charger("charger-01");
        model.TemperatureC = 24;
        model.Outlet(1).LoadA = 1.6;
        model.Outlet(2).LoadA = 1.9;
        _agent.Run(TimeSpan.FromSeconds(10));
        Assert.True(model.RelayOn(1) && model.RelayOn(2));
    }

    [Fact]
    public void Outlet_2_reaching_70_degrees_at_21_14_cuts_every_outlet_within_one_second()
    {
        Charging();
        _agent.Run(AgentHarness.Evening.AddMinutes(14) - _agent.Time.GetUtcNow(), TimeSpan.FromSeconds(1));
        var model = _agent.Model.Charger("charger-01");

        model.TemperatureC = 70;   // 21:14, the battery on outlet 2 overheats
        var took = _agent.RunUntil(() => !model.RelayOn(1) && !model.RelayOn(2), TimeSpan.FromSeconds(5));

        Assert.True(took <= TimeSpan.FromSeconds(1), $"relays opened after {took.TotalMilliseconds} ms");
        var cuts = _agent.Events(EventKind.ChargerCutOff, "charger-01");
        Assert.Equal([1, 2], cuts.Select(c => c.Outlet!.Value).Order());
        Assert.All(cuts, c => Assert.Equal(TripReason.OverTemperature, c.Reason));
        Assert.All(cuts, c => Assert.Equal(70, c.Value!.Value, 0.1));
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 21, 14, 0, TimeSpan.FromHours(8)), cuts[0].At!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(0, model.Outlet(1).LoadA * (model.RelayOn(1) ? 1 : 0));
    }

    [Fact]
    public void Smoke_cuts_every_outlet_from_the_detector_edge_callback_without_waiting_for_a_poll()
    {
        Charging();
        var model = _agent.Model.Charger("charger-01");
        model.Smoke = true;
        model.Advance(_agent.Time.GetUtcNow(), TimeSpan.Zero, null);  // the detector's relay closes; no agent tick

        Assert.False(model.RelayOn(1));
        Assert.False(model.RelayOn(2));
        Assert.Equal(2, _agent.Events(EventKind.ChargerCutOff).Count(e => e.Reason == TripReason.Smoke));
    }

    [Fact]
    public void Over_current_cuts_only_that_outlet_within_one_second()
    {
        Charging();
        var model = _agent.Model.Charger("charger-01");
        model.Outlet(2).LoadA = 4.2;      // a faulty charger; this station's limit is 3 A
        var took = _agent.RunUntil(() => !model.RelayOn(2), TimeSpan.FromSeconds(5));

        Assert.True(took <= TimeSpan.FromSeconds(1), $"relay opened after {took.TotalMilliseconds} ms");
        Assert.True(model.RelayOn(1));
        var cut = Assert.Single(_agent.Events(EventKind.ChargerCutOff));
        Assert.Equal((2, TripReason.OverCurrent), (cut.Outlet!.Value, cut.Reason));
        Assert.Equal(4.2, cut.Value!.Value, 0.01);
        Assert.Equal(OutboxPriority.Safety, _agent.Records().First(r => r.Seq == cut.Seq).Priority);
    }

    [Fact]
    public void The_lm75_station_trips_on_over_temperature_too()
    {
        var model = _agent.Model.Charger("charger-02");
        model.Outlet(1).LoadA = 1.5;
        model.TemperatureC = 25;
        _agent.Run(TimeSpan.FromSeconds(2));
        model.TemperatureC = 64;
        _agent.RunUntil(() => !model.RelayOn(1), TimeSpan.FromSeconds(1));
        Assert.Single(_agent.Events(EventKind.ChargerCutOff, "charger-02"));
    }

    [Fact]
    public void A_latched_outlet_stays_off_until_a_reset_naming_a_person_and_a_reason_once_it_has_cooled()
    {
        Charging();
        var model = _agent.Model.Charger("charger-01");
        model.TemperatureC = 72;
        _agent.Run(TimeSpan.FromSeconds(2));
        model.TemperatureC = 50;                   // cooler, but not below the 45 °C clear level
        _agent.Run(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));
        Assert.False(model.RelayOn(2));            // the latch holds by itself, whatever the temperature does

        var noReason = _agent.Runtime.Execute(_agent.Command(CommandKind.ResetOutlet, "charger-01", outlet: 2, person: "李师傅", reason: " "));
        Assert.False(noReason.Ok);
        Assert.Contains("reason", noReason.Error, StringComparison.Ordinal);

        var tooHot = _agent.Runtime.Execute(_agent.Command(CommandKind.ResetOutlet, "charger-01", outlet: 2, person: "李师傅", reason: "电池已移走"));
        Assert.False(tooHot.Ok);
        Assert.Equal("outlet 2 still reads 50.0 Cel; it cannot be reset until it is below 45.0 Cel", tooHot.Error);
        Assert.False(model.RelayOn(2));

        model.TemperatureC = 30;
        _agent.Run(TimeSpan.FromSeconds(1));
        var reset = _agent.Runtime.Execute(_agent.Command(CommandKind.ResetOutlet, "charger-01", outlet: 2, person: "李师傅", reason: "电池已移走，插座检查正常"));
        Assert.True(reset.Ok, reset.Error);
        Assert.True(model.RelayOn(2));
        Assert.False(model.RelayOn(1));            // each outlet is reset on its own
        var resetEvent = Assert.Single(_agent.Events(EventKind.ChargerReset));
        Assert.Equal("李师傅: 电池已移走，插座检查正常", resetEvent.Reason);
        Assert.Equal(2, resetEvent.Outlet);
    }

    [Fact]
    public void A_second_trip_within_the_repeat_window_locks_the_outlet_out_for_longer()
    {
        Charging();
        var model = _agent.Model.Charger("charger-01");
        model.Outlet(1).LoadA = 4.5;
        _agent.Run(TimeSpan.FromSeconds(2));
        model.Outlet(1).LoadA = 1.6;
        Assert.True(_agent.Runtime.Execute(_agent.Command(CommandKind.ResetOutlet, "charger-01", outlet: 1, person: "王姐", reason: "换了充电器")).Ok);

        _agent.Run(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1));
        model.Outlet(1).LoadA = 4.5;                                  // the same fault, five minutes later
        _agent.Run(TimeSpan.FromSeconds(2));
        Assert.Single(_agent.Events(EventKind.ChargerLockedOut));
        model.Outlet(1).LoadA = 1.6;

        var refused = _agent.Runtime.Execute(_agent.Command(CommandKind.ResetOutlet, "charger-01", outlet: 1, person: "王姐", reason: "再试一次"));
        Assert.False(refused.Ok);
        Assert.Contains("locked out", refused.Error, StringComparison.Ordinal);

        _agent.Run(TimeSpan.FromHours(2), TimeSpan.FromSeconds(30));
        Assert.False(model.RelayOn(1));                                // a lockout's end is no reset
        Assert.True(_agent.Runtime.Execute(_agent.Command(CommandKind.ResetOutlet, "charger-01", outlet: 1, person: "王姐", reason: "电工检查后恢复")).Ok);
        Assert.True(model.RelayOn(1));
    }

    [Fact]
    public void A_latch_survives_an_agent_restart()
    {
        Charging();
        _agent.Model.Charger("charger-01").Outlet(2).LoadA = 5;
        _agent.Run(TimeSpan.FromSeconds(2));
        Assert.True(Station.IsLatched(2));

        // A new agent process over the same data folder and the same (still wired) relays: every relay starts off, the
        // free outlet is powered once its sensing has read, the latched one stays off.
        using var restarted = new AgentHarness(TestCourtyard.Only("charger-01"), folder: _agent.Folder);
        var station = (Charger)restarted.Runtime.Device("charger-01")!;
        Assert.True(station.IsLatched(2));
        Assert.False(station.RelayOn(1) || station.RelayOn(2));
        restarted.Run(TimeSpan.FromSeconds(1));
        Assert.False(station.RelayOn(2));
        Assert.True(station.RelayOn(1));
    }

    [Fact]
    public void Interlocks_keep_cutting_while_the_outbox_is_full()
    {
        using var tiny = new AgentHarness(TestCourtyard.Only("charger-01"), outbox: AgentHarness.WithoutCloud(maxBytes: 256 * 1024, segmentBytes: 64 * 1024));
        // Fill the outbox with events so that no telemetry is left to drop.
        var filler = new byte[30 * 1024];
        for (var i = 0; i < 10; i++)
        {
            tiny.Outbox.Append(OutboxPriority.Event, Protocol.Topics.Channel.Events, _ => filler);
        }

        var model = tiny.Model.Charger("charger-01");
        model.Outlet(1).LoadA = 1.6;
        tiny.Run(TimeSpan.FromSeconds(2));
        model.TemperatureC = 80;
        var took = tiny.RunUntil(() => !model.RelayOn(1), TimeSpan.FromSeconds(5));
        Assert.True(took <= TimeSpan.FromSeconds(1));
        Assert.True(tiny.Outbox.Stats.Dropped > 0);
        Assert.Equal(2, tiny.Events(EventKind.ChargerCutOff).Count);  // older events made room for both outlets
        tiny.Run(TimeSpan.FromSeconds(2));
        var dropping = Assert.Single(tiny.Events(EventKind.OutboxDropping));  // and the loss is announced, never silent
        Assert.True(dropping.Value > 0);
    }
}

public sealed class InterlockReloadTests
{
    [Fact]
    public void A_config_reload_keeps_latched_outlets_off_and_the_new_thresholds_guard_at_once()
    {
        using var agent = new AgentHarness(TestCourtyard.Only("charger-01"));
        var model = agent.Model.Charger("charger-01");
        model.Outlet(1).LoadA = 1.5;
        model.Outlet(2).LoadA = 5.0;        // over-current on outlet 2
        model.TemperatureC = 30;
        agent.Run(TimeSpan.FromSeconds(2));
        Assert.False(model.RelayOn(2));

        var stricter = agent.Manifest with
        {
            Devices = agent.Manifest.Devices.Select(d => d with
            {
                Thresholds = new Dictionary<string, Protocol.Sites.Threshold> { ["overTemperatureC"] = new(Above: 50, ClearBelow: 40, ForSeconds: 0) },
            }).ToList(),
        };
        Assert.True(agent.Runtime.Apply(new DesiredConfig(ProtocolVersion.Current, stricter.Id, ConfigHash.Of(stricter), agent.Time.GetUtcNow(), stricter)));

        agent.Run(TimeSpan.FromSeconds(1));
        Assert.False(model.RelayOn(2));                       // still latched after the devices were rebuilt
        Assert.True(((Charger)agent.Runtime.Device("charger-01")!).IsLatched(2));
        Assert.True(model.RelayOn(1));

        model.TemperatureC = 55;                              // under the old 60 °C limit, over the new 50 °C
        var took = agent.RunUntil(() => !model.RelayOn(1), TimeSpan.FromSeconds(5));
        Assert.True(took <= TimeSpan.FromSeconds(1));
    }
}
