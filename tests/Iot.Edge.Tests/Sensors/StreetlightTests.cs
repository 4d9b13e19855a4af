using Iot.Edge.Sensors;
using Iot.Edge.Simulation;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Messages;

namespace Iot.Edge.Tests.Sensors;

public sealed class StreetlightTests : IDisposable
{
    private readonly AgentHarness _agent = new(TestCourtyard.Only("lamp-01"));

    public void Dispose() => _agent.Dispose();

    private LampModel Lamp => _agent.Model.Lamp("lamp-01");

    [Fact]
    public void A_lit_lamp_reports_its_current_voltage_light_and_state()
    {
        Lamp.AmbientLux = 3;
        _agent.Run(TimeSpan.FromSeconds(11));

        Assert.Equal(0.45, _agent.Last("lamp-01.current"), 0.01);
        Assert.Equal(12.2 - (0.45 * 0.3), _agent.Last("lamp-01.voltage"), 0.07);   // 9-bit bus conversions
        Assert.Equal(5.5, _agent.Last("lamp-01.light"), 0.5);                       // sky plus the lamp's own spill
        Assert.Equal(1, _agent.Last("lamp-01.lamp-on"));
        Assert.Equal(1, _agent.Last("lamp-01.relay"));
        Assert.Empty(_agent.Events(EventKind.LampBurntOut));
    }

    [Fact]
    public void A_lamp_switched_off_for_maintenance_goes_back_to_its_schedule_when_the_time_given_is_over()
    {
        _agent.Run(TimeSpan.FromSeconds(1));
        Assert.True(Lamp.RelayOn);                                   // 21:00: the schedule says on
        var off = _agent.Runtime.Execute(_agent.Command(CommandKind.SwitchLamp, "lamp-01", on: false) with { ForMinutes = 20 });
        Assert.True(off.Ok, off.Error);
        Assert.False(Lamp.RelayOn);

        _agent.Run(TimeSpan.FromMinutes(19), TimeSpan.FromSeconds(10));
        Assert.False(Lamp.RelayOn);                                  // the electrician is still at work
        _agent.Run(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(10));
        Assert.True(Lamp.RelayOn);                                   // 20 minutes on, the stairway is lit again
    }

    [Fact]
    public void A_lamp_that_burns_out_at_night_is_reported_after_ten_seconds_and_its_repair_as_recovered()
    {
        _agent.Run(TimeSpan.FromSeconds(6));
        Lamp.Fault = LampFault.BurntOut;
        _agent.Run(TimeSpan.FromSeconds(9));
        Assert.Empty(_agent.Events(EventKind.LampBurntOut));     // not yet: forSeconds is 10

        _agent.Run(TimeSpan.FromSeconds(10));
        var burnt = Assert.Single(_agent.Events(EventKind.LampBurntOut));
        Assert.True(burnt.Value < 0.05);
        Assert.Equal(0, _agent.Last("lamp-01.lamp-on"));

        Lamp.Fault = LampFault.None;
        _agent.Run(TimeSpan.FromSeconds(6));
        Assert.Single(_agent.Events(EventKind.LampRecovered));
    }

    [Fact]
    public void A_flickering_lamp_does_not_flap_between_burnt_out_and_recovered()
    {
        _agent.Run(TimeSpan.FromSeconds(6));
        for (var i = 0; i < 30; i++)
        {
            Lamp.Fault = i % 2 == 0 ? LampFault.BurntOut : LampFault.None; // off for one sample, on for the next
            _agent.Run(TimeSpan.FromSeconds(5));
        }

        Assert.Empty(_agent.Events(EventKind.LampBurntOut));
    }

    [Fact]
    public void A_lamp_drawing_four_times_its_current_for_thirty_seconds_is_abnormal()
    {
        Lamp.Fault = LampFault.Overcurrent;
        _agent.Run(TimeSpan.FromSeconds(40));
        var abnormal = Assert.Single(_agent.Events(EventKind.LampAbnormalCurrent));
        Assert.Equal(1.8, abnormal.Value!.Value, 0.05);
    }

    [Fact]
    public void The_schedule_switches_the_lamp_off_at_sunrise_and_a_lamp_stuck_on_in_daylight_is_reported()
    {
        // 06:30 in Kunming on 29 November is before sunrise (about 07:35); run past it.
        using var morning = new AgentHarness(TestCourtyard.Only("lamp-01"), start: new DateTimeOffset(2026, 11, 29, 6, 30, 0, TimeSpan.FromHours(8)));
        var lamp = morning.Model.Lamp("lamp-01");
        morning.Run(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));
        Assert.True(lamp.RelayOn);

        morning.Run(TimeSpan.FromHours(1.5), TimeSpan.FromSeconds(5));
        Assert.False(lamp.RelayOn);
        var switched = Assert.Single(morning.Events(EventKind.LampSwitched));
        Assert.Equal(0, switched.Value);

        // A person switches it on in daylight (or a relay welds shut): lit in daylight after 300 s over 400 lx.
        lamp.AmbientLux = 20_000;
        morning.Runtime.Execute(morning.Command(CommandKind.SwitchLamp, "lamp-01", on: true));
        morning.Run(TimeSpan.FromMinutes(6), TimeSpan.FromSeconds(1));
        Assert.True(lamp.RelayOn);
        var lit = Assert.Single(morning.Events(EventKind.LampLitInDaylight));
        Assert.True(lit.Value > 400);
        Assert.True(Assert.Single(morning.Results()).Ok);
    }
}
