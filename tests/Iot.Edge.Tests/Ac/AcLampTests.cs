using Iot.Edge.Tests.Support;
using Iot.Protocol.Messages;

namespace Iot.Edge.Tests.Ac;

/// <summary>A 220 V lamp on a current transformer beside a 12 V solar lamp on an INA219, each chosen in the manifest.</summary>
public sealed class AcLampTests : IDisposable
{
    private readonly AgentHarness _agent = new(AcCourtyard.Only("lamp-01", "lamp-02"));

    public void Dispose() => _agent.Dispose();

    [Fact]
    public void A_mains_lamp_reads_its_current_through_the_transformer_and_its_power_at_the_mains_voltage()
    {
        _agent.Run(TimeSpan.FromSeconds(12));   // evening: both lamps on

        Assert.InRange(_agent.Last("lamp-01.current"), 0.4 * 0.98, 0.4 * 1.02);
        Assert.InRange(_agent.Last("lamp-01.power"), 0.4 * 220 * 0.98, 0.4 * 220 * 1.02);
        Assert.Empty(_agent.Readings("lamp-01.voltage"));     // a CT measures current only
        Assert.Equal(1, _agent.Last("lamp-01.lamp-on"));
        Assert.InRange(_agent.Last("lamp-02.voltage"), 11.9, 12.2);   // the solar lamp's INA219 still gives its voltage
    }

    [Fact]
    public void A_burnt_out_mains_lamp_is_reported()
    {
        _agent.Model.Lamp("lamp-01").Fault = Iot.Edge.Simulation.LampFault.BurntOut;
        _agent.Run(TimeSpan.FromSeconds(30));

        Assert.Single(_agent.Events(EventKind.LampBurntOut, "lamp-01"));
        Assert.Empty(_agent.Events(EventKind.LampBurntOut, "lamp-02"));
    }
}
