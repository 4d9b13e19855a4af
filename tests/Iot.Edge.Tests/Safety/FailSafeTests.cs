using Iot.Edge.Safety;
using Iot.Edge.Sensors;
using Iot.Edge.Simulation;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Messages;

namespace Iot.Edge.Tests.Safety;

/// <summary>
/// The charging interlock fails safe: every way its sensing can fail (a chip that stops answering, a probe that reads
/// NaN or leaves the bus, a smoke input that cannot be opened, an I2C bus that hangs, a value no sensor could read)
/// cuts what that sensor guards within a second on the fake clock, says so with <c>sensorFault</c>, keeps protecting
/// everything else, and lets power back only when the sensing works again and a person resets the outlet.
/// Station charger-01: outlet 1 on the INA219 at 0x44, outlet 2 at 0x45, DS18B20 28-0316a2794e01, smoke on GPIO 27.
/// </summary>
public sealed class FailSafeTests : IDisposable
{
    private const string Probe = "28-0316a2794e01";
    private readonly AgentHarness _agent = new(TestCourtyard.Only("charger-01"));

    public void Dispose() => _agent.Dispose();

    private ChargerModel Model => _agent.Model.Charger("charger-01");

    private SimulatedBoard Board => _agent.Model.Board;

    private Charger Station => (Charger)_agent.Runtime.Device("charger-01")!;

    private void Charging()
    {
        Model.TemperatureC = 24;
        Model.Outlet(1).LoadA = 1.6;
        Model.Outlet(2).LoadA = 1.9;
        _agent.Run(TimeSpan.FromSeconds(10));
        Assert.True(Model.RelayOn(1) && Model.RelayOn(2));
    }

    [Fact]
    public void Every_relay_starts_off_and_an_outlet_is_powered_only_once_its_sensing_has_read()
    {
        Assert.False(Model.RelayOn(1) || Model.RelayOn(2));   // the agent has opened the station, nothing read yet
        _agent.Run(TimeSpan.FromSeconds(1));
        Assert.True(Model.RelayOn(1) && Model.RelayOn(2));
        Assert.Empty(_agent.Events(EventKind.SensorFault));
    }

    [Fact]
    public void A_first_read_that_comes_late_on_a_busy_machine_keeps_the_outlets_off_and_is_no_sensor_fault()
    {
        // The safety thread runs while the first poll has not come yet (a loaded Pi, a fleet starting): nothing is
        // powered, so nothing is at risk, and a sensor not read yet has not failed.
        for (var i = 0; i < 20; i++)
        {
            _agent.Time.Advance(TimeSpan.FromSeconds(1));
            _agent.Runtime.Supervise();
        }

        Assert.False(Model.RelayOn(1) || Model.RelayOn(2));
        Assert.Empty(_agent.Events(EventKind.SensorFault));

        _agent.Run(TimeSpan.FromSeconds(1));
        Assert.True(Model.RelayOn(1) && Model.RelayOn(2));
        Assert.Empty(_agent.Events(EventKind.SensorFault));
    }

    [Fact]
    public void Sensing_that_gives_no_first_reading_within_its_start_grace_is_a_sensor_fault()
    {
        // The poll never comes (a read that hangs from the start): past the grace each sensor is reported, once.
        var graceEnds = _agent.Time.GetUtcNow() + SafetySensor.StartGrace;
        while (_agent.Time.GetUtcNow() <= graceEnds)
        {
            _agent.Time.Advance(TimeSpan.FromSeconds(1));
            _agent.Runtime.Supervise();
        }

        _agent.Runtime.Supervise();
        var faults = _agent.Events(EventKind.SensorFault);
        Assert.Contains(faults, f => f.Reason == $"temperature probe {Probe}: no reading yet");
        Assert.Equal(faults.Count, faults.Select(f => f.Reason).Distinct().Count());
        Assert.False(Model.RelayOn(1) || Model.RelayOn(2));
        Assert.Empty(_agent.Events(EventKind.ChargerCutOff));   // never powered, so nothing to cut or latch
    }

    [Fact]
    public void An_outlets_current_sensor_that_stops_answering_cuts_that_outlet_within_a_second_and_the_other_stays_protected()
    {
        Charging();
        Board.Break(1, 0x45, ChipFault.Nack);
        var took = _agent.RunUntil(() => !Model.RelayOn(2), TimeSpan.FromSeconds(5));

        Assert.True(took <= TimeSpan.FromSeconds(1), $"outlet 2 was cut after {took.TotalMilliseconds} ms");
        Assert.True(Model.RelayOn(1));
        var fault = Assert.Single(_agent.Events(EventKind.SensorFault));
        Assert.Equal(2, fault.Outlet);
        Assert.StartsWith("outlet 2 current sensor (INA219 0x45): I/O error", fault.Reason, StringComparison.Ordinal);
        var cut = Assert.Single(_agent.Events(EventKind.ChargerCutOff));
        Assert.Equal((2, TripReason.SensorFault), (cut.Outlet!.Value, cut.Reason));

        // Outlet 1 is still guarded: its own over-current, and the station's temperature.
        Model.Outlet(1).LoadA = 4.2;
        Assert.True(_agent.RunUntil(() => !Model.RelayOn(1), TimeSpan.FromSeconds(5)) <= TimeSpan.FromSeconds(1));
        Assert.Contains(_agent.Events(EventKind.ChargerCutOff), c => c.Outlet == 1 && c.Reason == TripReason.OverCurrent);
        Assert.Single(_agent.Events(EventKind.SensorFault));   // one event for the fault, not one a poll
    }

    [Fact]
    public void A_temperature_probe_that_reads_nan_cuts_every_outlet_within_a_second()
    {
        Charging();
        Board.Probe(Probe).Garbled = true;
        var took = _agent.RunUntil(() => !Model.RelayOn(1) && !Model.RelayOn(2), TimeSpan.FromSeconds(5));

        Assert.True(took <= TimeSpan.FromSeconds(1), $"cut after {took.TotalMilliseconds} ms");
        var fault = Assert.Single(_agent.Events(EventKind.SensorFault));
        Assert.Null(fault.Outlet);
        Assert.Equal($"temperature probe {Probe}: read NaN", fault.Reason);
        Assert.Equal([1, 2], _agent.Events(EventKind.ChargerCutOff).Where(c => c.Reason == TripReason.SensorFault).Select(c => c.Outlet!.Value).Order());
        Assert.DoesNotContain(_agent.Readings("charger-01.temperature"), r => !double.IsFinite(r.Value));
    }

    [Fact]
    public void A_probe_that_leaves_the_bus_cuts_every_outlet_and_they_come_back_only_when_it_reads_again_and_a_person_resets_them()
    {
        Charging();
        Board.Probe(Probe).Unplugged = true;
        Assert.True(_agent.RunUntil(() => !Model.RelayOn(1) && !Model.RelayOn(2), TimeSpan.FromSeconds(5)) <= TimeSpan.FromSeconds(1));
        Assert.Contains("No such device", Assert.Single(_agent.Events(EventKind.SensorFault)).Reason, StringComparison.Ordinal);

        var refused = _agent.Runtime.Execute(_agent.Command(CommandKind.ResetOutlet, "charger-01", outlet: 1, person: "李师傅", reason: "检查探头"));
        Assert.False(refused.Ok);
        Assert.StartsWith("outlet 1 cannot be reset while its sensing does not work (temperature probe", refused.Error, StringComparison.Ordinal);

        // The probe is plugged back in: the outlets stay latched until someone takes responsibility.
        Board.Probe(Probe).Unplugged = false;
        _agent.Run(TimeSpan.FromSeconds(5));
        Assert.Equal($"temperature probe {Probe}: reading again", Assert.Single(_agent.Events(EventKind.SensorRecovered)).Reason);
        Assert.False(Model.RelayOn(1) || Model.RelayOn(2));
        Assert.True(Station.IsLatched(1) && Station.IsLatched(2));
        var reset = _agent.Runtime.Execute(_agent.Command(CommandKind.ResetOutlet, "charger-01", outlet: 1, person: "李师傅", reason: "探头已重新接好"));
        Assert.True(reset.Ok, reset.Error);
        Assert.True(Model.RelayOn(1));
        Assert.False(Model.RelayOn(2));
    }

    [Fact]
    public void A_smoke_input_that_cannot_be_opened_at_start_keeps_every_outlet_off_until_it_opens()
    {
        using var agent = new AgentHarness(TestCourtyard.Only("charger-01"), beforeStart: m => m.Board.Driver.Break(27));
        var model = agent.Model.Charger("charger-01");
        model.Outlet(1).LoadA = 1.5;
        agent.Run(TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(250));

        Assert.False(model.RelayOn(1) || model.RelayOn(2));
        var fault = Assert.Single(agent.Events(EventKind.SensorFault));
        Assert.StartsWith("smoke input GPIO 27: could not be opened: GPIO 27 cannot be requested", fault.Reason, StringComparison.Ordinal);
        Assert.Empty(agent.Events(EventKind.ChargerCutOff));   // never powered, so nothing to cut or latch

        // The line is free again: the next retry (backoff at most 30 s) opens it and the outlets are powered.
        agent.Model.Board.Driver.Break(27, broken: false);
        agent.RunUntil(() => model.RelayOn(1) && model.RelayOn(2), TimeSpan.FromSeconds(31), TimeSpan.FromMilliseconds(250));
        var station = (Charger)agent.Runtime.Device("charger-01")!;
        Assert.False(station.IsLatched(1) || station.IsLatched(2));
    }

    [Fact]
    public async Task An_i2c_bus_that_hangs_cuts_every_outlet_within_a_second_of_the_readings_going_stale()
    {
        Charging();
        var hangFrom = _agent.Time.GetUtcNow();
        Board.Break(1, 0x44, ChipFault.HoldsBus);     // outlet 1's INA219 stretches the clock for ever

        // The agent's tick polls the station and blocks in the read, as it would on the Pi; the safety thread goes on.
        _agent.Time.Advance(TimeSpan.FromMilliseconds(500));
        var tick = Task.Run(_agent.Runtime.Tick);
        var cutAt = hangFrom;
        while (Model.RelayOn(1) || Model.RelayOn(2))
        {
            Assert.True(_agent.Time.GetUtcNow() - hangFrom < TimeSpan.FromSeconds(10), "the outlets were never cut");
            _agent.Time.Advance(TimeSpan.FromMilliseconds(100));
            _agent.Runtime.Supervise();
            cutAt = _agent.Time.GetUtcNow();
        }

        // Readings count for 2 s; the cut follows within a second of that.
        var took = cutAt - hangFrom;
        Assert.InRange(took, SafetySensor.StaleAfter - TimeSpan.FromMilliseconds(500), SafetySensor.StaleAfter + TimeSpan.FromSeconds(1));
        Assert.False(tick.IsCompleted);

        Board.ReleaseBus();
        await tick.WaitAsync(Iot.Testing.Patience.Seconds(30));   // the released read fails, and the tick goes on
        Assert.Contains(_agent.Events(EventKind.SensorFault), f => f.Reason!.EndsWith("no fresh reading for 2 s", StringComparison.Ordinal));
        Assert.All(_agent.Events(EventKind.ChargerCutOff), c => Assert.Equal(TripReason.SensorFault, c.Reason));
    }
}
