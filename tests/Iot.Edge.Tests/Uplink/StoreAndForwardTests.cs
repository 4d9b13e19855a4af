using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Edge.Tests.Support;
using Iot.Edge.Uplink;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Protocol.Validation;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Uplink;

public sealed class StoreAndForwardTests
{
    private static readonly MqttOptions QuickReconnect = new() { ReconnectMinSeconds = 2, ReconnectMaxSeconds = 2, KeepAliveSeconds = 5 };

    private static OutboxPriority Priority(IUplinkMessage message) => message switch
    {
        TelemetryBatch => OutboxPriority.Telemetry,
        DeviceEvent e => EventPriority.Of(e.Kind),
        _ => OutboxPriority.Event,
    };

    private static List<(Channel Channel, IUplinkMessage Message)> Data(MqttTestClient watcher, DateTimeOffset now) =>
        watcher.Received
            .Where(m => LinkedAgent.Is(m, Channel.Telemetry) || LinkedAgent.Is(m, Channel.Events) || LinkedAgent.Is(m, Channel.Results))
            .Select(m =>
            {
                var read = MessageReader.ReadUplink(AgentTopic.Parse(m.Topic), m.Payload, now);
                Assert.True(read.IsValid, read.Summary);
                return (AgentTopic.Parse(m.Topic).Channel, read.Message!);
            })
            .ToList();

    [Fact]
    public async Task A_broker_restart_mid_stream_loses_nothing_and_keeps_order_per_priority()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var link = new TcpGate(broker.Port);
        var harness = new AgentHarness(TestCourtyard.Only("lamp-01", "gate-01", "charger-01"));
        await using var linked = new LinkedAgent(harness, broker, QuickReconnect, port: link.Port);
        var watcher = await LinkedAgent.WatchAsync(broker);
        var gate = harness.Model.Gate("gate-01");

        void Stream(int seconds)
        {
            for (var s = 0; s < seconds; s++)
            {
                harness.Run(TimeSpan.FromSeconds(1));
                if (s % 3 == 0)
                {
                    if (gate.IsOpen)
                    {
                        gate.Close();
                    }
                    else
                    {
                        gate.Open(); // forced: the lock is engaged; two events each time
                    }
                }
            }
        }

        Stream(60);
        var farFuture = DateTimeOffset.UtcNow.AddYears(1);
        var beforeOutage = harness.Outbox.LastSeq;
        // Let the first stretch arrive: what the broker acknowledged and then lost in a SIGKILL would be the
        // broker's loss (it runs without persistence here), not the agent's.
        await ServiceProcess.WaitWhileProgressingAsync(() => Task.FromResult((long)Data(watcher, farFuture).Select(d => d.Message.Seq).Distinct().Count()), n => n == beforeOutage,
            TimeSpan.FromSeconds(20), "first stretch delivered");

        link.Close();                               // the agent may reach the broker again only once the watcher is back
        await broker.StopAsync();                   // the 4G link drops, or the broker dies
        Stream(120);                                // the agent carries on into its outbox
        Assert.True(harness.Outbox.Stats.Depth > 20);
        var first = watcher;
        await broker.RestartAsync();
        watcher = await LinkedAgent.WatchAsync(broker); // the broker keeps nothing (no persistence): subscribe first,
        link.Open();                                    // then let the agent reconnect and replay
        var birth = LinkedAgent.Read<AgentStatus>(await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Status), Patience.Seconds(30)));
        Assert.True(birth.Health!.OutboxDepth > 20, $"the birth after the outage comes before the replay and reports the backlog: {birth.Health}");
        Assert.True(birth.Health.OutboxBytes > 0);
        Assert.DoesNotContain(watcher.Received.TakeWhile(m => !LinkedAgent.Is(m, Channel.Status)), m => LinkedAgent.Is(m, Channel.Telemetry) || LinkedAgent.Is(m, Channel.Events));
        Stream(60);
        var written = harness.Outbox.LastSeq;
        await ServiceProcess.WaitWhileProgressingAsync(() => Task.FromResult(harness.Outbox.Stats.Depth), depth => depth == 0, TimeSpan.FromSeconds(30), "outbox drained");
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(Data(watcher, farFuture).Max(d => d.Message.Seq) == written), TimeSpan.FromSeconds(20), "last record delivered");

        // Nothing lost: after dropping duplicates by (agent, boot, seq), every seq written arrived.
        var all = Data(first, farFuture).Concat(Data(watcher, farFuture)).Select(d => d.Message.Seq).Distinct().Order();
        Assert.Equal(Enumerable.Range(1, (int)written).Select(i => (long)i), all);
        Assert.Contains(Data(watcher, farFuture), d => d.Message.Seq <= beforeOutage + 20); // the outage's backlog came after the restart

        // Order: on each connection, within each priority, records arrive oldest first.
        foreach (var received in new[] { Data(first, farFuture), Data(watcher, farFuture) })
        {
            foreach (var group in received.GroupBy(r => Priority(r.Message)))
            {
                var order = group.Select(r => r.Message.Seq).Distinct().ToList();
                Assert.Equal(order.Order(), order);
            }
        }

        await first.DisposeAsync();
        await watcher.DisposeAsync();
    }

    [Fact]
    public async Task Interlocks_cut_within_a_second_with_the_broker_down_and_the_cut_off_is_delivered_when_it_returns()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var gate = new TcpGate(broker.Port);
        var harness = new AgentHarness(TestCourtyard.Only("charger-01"));
        await using var linked = new LinkedAgent(harness, broker, QuickReconnect, port: gate.Port);
        var model = harness.Model.Charger("charger-01");
        model.Outlet(1).LoadA = 1.7;
        harness.Run(TimeSpan.FromSeconds(3));
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(linked.Uplink.IsConnected), TimeSpan.FromSeconds(20), "agent connected");

        gate.Close();
        await broker.StopAsync();
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(!linked.Uplink.IsConnected), TimeSpan.FromSeconds(20), "agent noticed the broker is gone");
        model.TemperatureC = 75;
        var took = harness.RunUntil(() => !model.RelayOn(1), TimeSpan.FromSeconds(5));
        Assert.True(took <= TimeSpan.FromSeconds(1), $"relay opened after {took.TotalMilliseconds} ms");

        await broker.RestartAsync();
        await using var watcher = await LinkedAgent.WatchAsync(broker); // the broker keeps nothing: subscribe, then let the agent in
        gate.Open();
        var cut = await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Events) && LinkedAgent.Read<DeviceEvent>(m).Kind == EventKind.ChargerCutOff, Patience.Seconds(30));
        var cutOff = LinkedAgent.Read<DeviceEvent>(cut);
        Assert.Equal(TripReason.OverTemperature, cutOff.Reason);
        Assert.Equal(harness.Time.GetUtcNow(), cutOff.At!.Value, TimeSpan.FromSeconds(2)); // stamped when it happened, not when sent
    }

    [Fact]
    public async Task Events_overtake_a_telemetry_backlog_that_drains_at_the_paced_rate()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var harness = new AgentHarness(TestCourtyard.Only("lamp-01"));
        for (var i = 0; i < 200; i++)
        {
            harness.Run(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)); // a backlog of 200 batches, as after an outage
        }

        // The pace runs on the agent's fake clock: while it stands still, only the first second's burst may go.
        const int PerSecond = 40;
        await using var watcher = await LinkedAgent.WatchAsync(broker);
        await using var linked = new LinkedAgent(harness, broker, outbox: new OutboxOptions { ReplayRecordsPerSecond = PerSecond, Window = 8 }, pacedByAgentClock: true);
        int Telemetry() => watcher.Received.Count(m => LinkedAgent.Is(m, Channel.Telemetry));
        await watcher.WaitForCountAsync(m => LinkedAgent.Is(m, Channel.Telemetry), PerSecond, Patience.Seconds(30));
        harness.Runtime.Execute(harness.Command(CommandKind.SwitchLamp, "lamp-01", on: false));   // a fresh event and result

        var lampEvent = await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Events), Patience.Seconds(30));
        await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Results), Patience.Seconds(30));
        Assert.Equal(PerSecond, watcher.Received.TakeWhile(m => m != lampEvent).Count(m => LinkedAgent.Is(m, Channel.Telemetry)));
        Assert.Equal(PerSecond, Telemetry());     // the event went past a backlog held back by the pace

        // Each second of the agent's clock lets exactly one second's worth through, until the backlog is gone.
        for (var expected = 2 * PerSecond; expected <= 200; expected += PerSecond)
        {
            harness.Time.Advance(TimeSpan.FromSeconds(1));
            await watcher.WaitForCountAsync(m => LinkedAgent.Is(m, Channel.Telemetry), expected, Patience.Seconds(30));
            Assert.Equal(expected, Telemetry());
        }

        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(harness.Outbox.Stats.Depth == 0), TimeSpan.FromSeconds(20), "the last batches acknowledged");
    }
}
