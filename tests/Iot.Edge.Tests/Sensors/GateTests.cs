using Iot.Edge.Outbox;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;

namespace Iot.Edge.Tests.Sensors;

public sealed class GateTests : IDisposable
{
    private readonly AgentHarness _agent = new(TestCourtyard.Only("gate-01"));

    public void Dispose() => _agent.Dispose();

    [Fact]
    public void A_resident_passing_through_opens_and_closes_the_gate_without_any_alarm()
    {
        var gate = _agent.Model.Gate("gate-01");
        _agent.Run(TimeSpan.FromSeconds(1));
        gate.Unlock();
        _agent.Run(TimeSpan.FromSeconds(1));
        gate.Open();
        _agent.Run(TimeSpan.FromSeconds(8));
        Assert.Equal(1, _agent.Last("gate-01.contact"));
        Assert.Equal(0, _agent.Last("gate-01.locked"));
        gate.Close();
        gate.Lock();
        _agent.Run(TimeSpan.FromSeconds(6));

        Assert.Equal([EventKind.GateOpened, EventKind.GateClosed], _agent.Events().Select(e => e.Kind));
        Assert.Equal(0, _agent.Last("gate-01.contact"));
        Assert.Equal(1, _agent.Last("gate-01.locked"));
    }

    [Fact]
    public void A_gate_opened_while_locked_is_reported_forced_from_the_edge_callback_before_the_next_sample()
    {
        _agent.Run(TimeSpan.FromSeconds(1));
        var before = _agent.Records().Count;

        _agent.Model.Gate("gate-01").Open(); // no tick, no sample: only the GPIO edge callback has run

        var events = _agent.Records().Skip(before).Where(r => r.Channel == Channel.Events).ToList();
        Assert.Equal(OutboxPriority.Safety, events[0].Priority);
        Assert.Equal([EventKind.GateForced, EventKind.GateOpened], _agent.Events().Select(e => e.Kind));
    }

    [Fact]
    public void A_gate_left_open_is_reported_once_after_its_held_open_threshold()
    {
        var gate = _agent.Model.Gate("gate-01");
        gate.Unlock();
        gate.Open();
        _agent.Run(TimeSpan.FromSeconds(179), TimeSpan.FromSeconds(1));
        Assert.Empty(_agent.Events(EventKind.GateHeldOpen));        // this gate's heldOpen is 180 s

        _agent.Run(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));
        var held = Assert.Single(_agent.Events(EventKind.GateHeldOpen));
        Assert.Equal(180, held.Value!.Value, 1.0);

        gate.Close();
        gate.Open();
        _agent.Run(TimeSpan.FromSeconds(200), TimeSpan.FromSeconds(1));
        Assert.Equal(2, _agent.Events(EventKind.GateHeldOpen).Count); // a new opening, a new report
    }
}
