using Iot.Edge.Tests.Support;
using Iot.Protocol.Messages;

namespace Iot.Edge.Tests.Simulation;

/// <summary>The unscripted world the demo runs: a Kunming night in a courtyard, on a fake clock.</summary>
public sealed class LiveCourtyardTests
{
    [Fact]
    public void A_night_in_a_live_courtyard_lights_the_lamps_at_dusk_lets_residents_through_and_charges_bikes()
    {
        // 29 November 2026, 17:30 in Kunming; sunset is about 18:35, sunrise about 07:35.
        var start = new DateTimeOffset(2026, 11, 29, 17, 30, 0, TimeSpan.FromHours(8));
        using var agent = new AgentHarness(TestCourtyard.Only("lamp-01", "gate-01", "drain-02", "charger-01"), start: start, scripted: false);
        agent.Run(TimeSpan.FromHours(2), TimeSpan.FromSeconds(5));       // dusk and the evening rush, closely
        agent.Run(TimeSpan.FromHours(11.5), TimeSpan.FromMinutes(2));    // the night, coarsely
        agent.Run(TimeSpan.FromHours(1), TimeSpan.FromSeconds(15));      // dawn

        var switched = agent.Events(EventKind.LampSwitched);
        Assert.Equal([1.0, 0.0], switched.Select(e => e.Value!.Value));   // on at dusk, off at dawn
        Assert.InRange(switched[0].At!.Value.ToOffset(TimeSpan.FromHours(8)).TimeOfDay, TimeSpan.FromHours(18.3), TimeSpan.FromHours(19));
        Assert.InRange(switched[1].At!.Value.ToOffset(TimeSpan.FromHours(8)).TimeOfDay, TimeSpan.FromHours(7.2), TimeSpan.FromHours(8));

        var light = agent.Readings("lamp-01.light");
        Assert.True(light.Max(r => r.Value) > 400 && light.Min(r => r.Value) < 5, "daylight and night both seen");
        Assert.True(agent.Events(EventKind.GateOpened).Count >= 10, "residents came and went");
        Assert.Equal(agent.Events(EventKind.GateOpened).Count, agent.Events(EventKind.GateClosed).Count, 3.0);
        Assert.NotEmpty(agent.Events(EventKind.ChargingStarted));
        Assert.All(agent.Readings("drain-02.level"), r => Assert.InRange(r.Value, 0, 60));
    }
}
