using Iot.Edge.Safety;
using Iot.Edge.Sensors;
using Iot.Edge.Simulation;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Messages;

namespace Iot.Edge.Tests.Ac;

/// <summary>
/// A 220 V charging station on current transformers, on the fake clock: each scenario an outlet can be in (unplugged,
/// idle, charging, full, over-current, a transformer open or saturated) reads as it should, over-current from the RMS
/// path cuts within a second, and a failing transformer cuts its outlet as a sensor fault.
/// </summary>
public sealed class AcChargerTests : IDisposable
{
    private readonly AgentHarness _agent = new(AcCourtyard.Only("charger-01"));

    public void Dispose() => _agent.Dispose();

    private ChargerModel Model => _agent.Model.Charger("charger-01");

    private Charger Station => (Charger)_agent.Runtime.Device("charger-01")!;

    private void Charging(params int[] outlets)
    {
        Model.TemperatureC = 24;
        foreach (var outlet in outlets)
        {
            Model.Outlet(outlet).LoadA = 1.8;
        }

        _agent.Run(TimeSpan.FromSeconds(10));
        Assert.All(outlets, o => Assert.True(Model.RelayOn(o)));
    }

    [Fact]
    public void Unplugged_idle_charging_and_full_outlets_read_their_current_and_state()
    {
        Model.Outlet(2).LoadA = 0.02;   // a charger left plugged in with no bike: idle
        Model.Outlet(3).LoadA = 1.8;    // charging
        Model.Outlet(4).LoadA = 1.8;    // charging, then full
        _agent.Run(TimeSpan.FromSeconds(10));
        Model.Outlet(4).LoadA = 0.1;    // tapered to a trickle
        _agent.Run(TimeSpan.FromSeconds(80));

        Assert.InRange(_agent.Last("charger-01.o1-current"), 0, 0.01);   // unplugged: the noise floor
        Assert.Equal(0, _agent.Last("charger-01.o1-state"));
        Assert.Equal(0, _agent.Last("charger-01.o2-state"));
        Assert.InRange(_agent.Last("charger-01.o3-current"), 1.8 * 0.98, 1.8 * 1.02);
        Assert.Equal(1, _agent.Last("charger-01.o3-state"));
        Assert.InRange(_agent.Last("charger-01.o3-power"), 1.8 * 220 * 0.98, 1.8 * 220 * 1.02);
        Assert.Equal(2, _agent.Last("charger-01.o4-state"));
        Assert.InRange(_agent.Last("charger-01.o4-current"), 0.098, 0.102);
        Assert.Empty(_agent.Events(EventKind.SensorFault));
        Assert.Empty(_agent.Events(EventKind.ChargerCutOff));
        Assert.True(Model.RelayOn(1) && Model.RelayOn(2) && Model.RelayOn(3) && Model.RelayOn(4));
    }

    [Fact]
    public void Over_current_from_the_rms_path_cuts_that_outlet_within_a_second()
    {
        Charging(1, 4);
        Model.Outlet(4).LoadA = 4.2;   // a faulty charger
        var took = _agent.RunUntil(() => !Model.RelayOn(4), TimeSpan.FromSeconds(5));

        Assert.True(took <= TimeSpan.FromSeconds(1), $"outlet 4 was cut after {took.TotalMilliseconds} ms");
        Assert.True(Model.RelayOn(1));
        var cut = Assert.Single(_agent.Events(EventKind.ChargerCutOff));
        Assert.Equal((4, TripReason.OverCurrent), (cut.Outlet!.Value, cut.Reason));
        Assert.InRange(cut.Value!.Value, 4.2 * 0.98, 4.2 * 1.02);
        Assert.True(Station.IsLatched(4));
    }

    [Fact]
    public void A_chargers_inrush_on_switching_on_does_not_trip_it()
    {
        Charging(1, 2, 3, 4);
        _agent.Run(TimeSpan.FromSeconds(30));
        Assert.Empty(_agent.Events(EventKind.ChargerCutOff));
        Assert.Equal(4, _agent.Events(EventKind.ChargingStarted).Count);
    }

    [Fact]
    public void An_open_transformer_while_charging_reads_exactly_zero_and_cuts_the_outlet_as_a_sensor_fault()
    {
        Charging(1, 2);
        Model.Outlet(2).Transformer!.Fault = CtFault.OpenCircuit;
        var took = _agent.RunUntil(() => !Model.RelayOn(2), TimeSpan.FromSeconds(5));

        Assert.True(took <= TimeSpan.FromSeconds(1), $"outlet 2 was cut after {took.TotalMilliseconds} ms");
        Assert.True(Model.RelayOn(1));
        var fault = Assert.Single(_agent.Events(EventKind.SensorFault));
        Assert.Equal(2, fault.Outlet);
        Assert.Equal("outlet 2 current sensor (CT on ADS1115 0x49 AIN1): I/O error: reads exactly zero while its relay is on and the outlet was charging: the transformer is open-circuit or its input is stuck", fault.Reason);
        var cut = Assert.Single(_agent.Events(EventKind.ChargerCutOff));
        Assert.Equal((2, TripReason.SensorFault), (cut.Outlet!.Value, cut.Reason));

        // The relay stays off: the outlet is latched until a person resets it.
        _agent.Run(TimeSpan.FromSeconds(10));
        Assert.False(Model.RelayOn(2));
        Assert.True(Station.IsLatched(2));
    }

    [Fact]
    public void A_bike_unplugged_while_charging_is_not_a_fault_the_transformer_still_reads_its_noise()
    {
        Charging(3);
        Model.Outlet(3).LoadA = 0;
        _agent.Run(TimeSpan.FromSeconds(10));

        Assert.True(Model.RelayOn(3));
        Assert.Empty(_agent.Events(EventKind.SensorFault));
        Assert.Single(_agent.Events(EventKind.ChargingFinished));
        Assert.Equal(0, _agent.Last("charger-01.o3-state"));
    }

    [Fact]
    public void An_open_transformer_on_an_idle_outlet_reads_idle()
    {
        _agent.Run(TimeSpan.FromSeconds(2));
        Model.Outlet(1).Transformer!.Fault = CtFault.OpenCircuit;
        _agent.Run(TimeSpan.FromSeconds(10));

        Assert.True(Model.RelayOn(1));
        Assert.Empty(_agent.Events(EventKind.SensorFault));
        Assert.Equal(0, _agent.Last("charger-01.o1-current"));
    }

    [Fact]
    public void A_saturated_transformer_clips_and_cuts_the_outlet_within_a_second()
    {
        Charging(3);
        Model.Outlet(3).Transformer!.Fault = CtFault.Saturated;
        var took = _agent.RunUntil(() => !Model.RelayOn(3), TimeSpan.FromSeconds(5));

        Assert.True(took <= TimeSpan.FromSeconds(1), $"outlet 3 was cut after {took.TotalMilliseconds} ms");
        var fault = Assert.Single(_agent.Events(EventKind.SensorFault));
        Assert.Equal("outlet 3 current sensor (CT on ADS1115 0x49 AIN2): I/O error: the input sits at a rail: the transformer is saturated, the load beyond its range, or the transformer unplugged (its input pulled to 0 V)", fault.Reason);
        Assert.Equal((3, TripReason.SensorFault), (Assert.Single(_agent.Events(EventKind.ChargerCutOff)).Outlet!.Value, TripReason.SensorFault));
    }

    [Fact]
    public void An_unplugged_transformer_reads_the_low_rail_and_cuts_its_outlet_even_when_idle()
    {
        _agent.Run(TimeSpan.FromSeconds(2));
        Assert.True(Model.RelayOn(1));
        Model.Outlet(1).Transformer!.Fault = CtFault.Unplugged;
        var took = _agent.RunUntil(() => !Model.RelayOn(1), TimeSpan.FromSeconds(5));

        Assert.True(took <= TimeSpan.FromSeconds(1), $"outlet 1 was cut after {took.TotalMilliseconds} ms");
        Assert.Contains("the transformer unplugged", Assert.Single(_agent.Events(EventKind.SensorFault)).Reason, StringComparison.Ordinal);
        Assert.True(Model.RelayOn(2));
    }

    [Fact]
    public void An_ADS1115_that_stops_answering_cuts_every_outlet_on_it_and_only_those()
    {
        Charging(1, 2, 4);   // outlet 3 idle, its relay on
        _agent.Model.Board.Break(1, 0x49, ChipFault.Nack);
        var took = _agent.RunUntil(() => !Model.RelayOn(1) && !Model.RelayOn(2) && !Model.RelayOn(3), TimeSpan.FromSeconds(5));

        Assert.True(took <= TimeSpan.FromSeconds(1), $"cut after {took.TotalMilliseconds} ms");
        Assert.True(Model.RelayOn(4));   // on the chip at 0x4a
        Assert.Equal([1, 2, 3], _agent.Events(EventKind.ChargerCutOff).Select(c => c.Outlet!.Value).Order());
    }
}
