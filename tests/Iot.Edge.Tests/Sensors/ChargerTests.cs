using Iot.Edge.Sensors;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Messages;

namespace Iot.Edge.Tests.Sensors;

public sealed class ChargerTests
{
    [Fact]
    public void A_charging_session_is_tracked_from_start_to_full_with_its_energy()
    {
        using var agent = new AgentHarness(TestCourtyard.Only("charger-01"));
        var outlet = agent.Model.Charger("charger-01").Outlet(2);
        agent.Model.Charger("charger-01").TemperatureC = 22;
        agent.Run(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        Assert.Equal((double)ChargeState.Idle, agent.Last("charger-01.o2-state"));

        outlet.LoadA = 2.0;                                          // a bike plugged in: constant current
        agent.Run(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(5));
        Assert.Single(agent.Events(EventKind.ChargingStarted));
        Assert.Equal((double)ChargeState.Charging, agent.Last("charger-01.o2-state"));
        Assert.Equal(2.0, agent.Last("charger-01.o2-current"), 0.01);
        Assert.Equal(440, agent.Last("charger-01.o2-power"), 3.0);     // 2 A at 220 V

        outlet.LoadA = 0.1;                                          // the charger tapers to a trickle
        agent.Run(TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(1));
        Assert.Empty(agent.Events(EventKind.ChargingFinished));     // fullCurrentA needs 60 s below 0.15 A
        agent.Run(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        var finished = Assert.Single(agent.Events(EventKind.ChargingFinished));
        Assert.Equal(2, finished.Outlet);
        Assert.Equal(2.0 * 220 * 0.5, finished.Value!.Value, 6.0);     // ≈ 220 Wh in half an hour (+ the trickle minute)
        agent.Run(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(1));
        Assert.Equal((double)ChargeState.Full, agent.Last("charger-01.o2-state"));
        Assert.Equal((double)ChargeState.Idle, agent.Last("charger-01.o1-state"));
    }
}
