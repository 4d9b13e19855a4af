using Iot.Edge.Outbox;
using Iot.Edge.Tests.Support;
using Iot.Edge.Uplink;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Uplink;

/// <summary>
/// The agent's side of the stored watermark over a real Mosquitto. The test subscribes where the cloud would and answers
/// as protocol 1.2 says the cloud does: a retained watermark of the data seqs it has received without a gap. The cloud's
/// own side, and the two together, are tested in the cloud's ingest tests and the end-to-end fault tests.
/// </summary>
public sealed class WatermarkUplinkTests
{
    private static readonly MqttOptions QuickReconnect = new() { ReconnectMinSeconds = 1, ReconnectMaxSeconds = 1, KeepAliveSeconds = 5 };

    /// <summary>What a 1.2 cloud would have stored: the data seqs received, and the watermark it would publish.</summary>
    private sealed class Receiver(MqttTestClient client, LinkedAgent agent)
    {
        public MqttTestClient Client { get; set; } = client;

        public HashSet<long> Seqs { get; } = [];

        public IEnumerable<ReceivedMessage> All { get; set; } = [];

        /// <summary>Takes in what has arrived since the last look; returns the highest seq below which every seq arrived.</summary>
        public long Contiguous()
        {
            Seqs.UnionWith(Client.Received.Concat(All)
                .Where(m => LinkedAgent.Is(m, Channel.Telemetry) || LinkedAgent.Is(m, Channel.Events))
                .Select(m => System.Text.Json.JsonDocument.Parse(m.Payload).RootElement.GetProperty("seq").GetInt64()));
            long n = 0;
            while (Seqs.Contains(n + 1))
            {
                n++;
            }

            return n;
        }

        public async Task PublishAsync(long stored) => await Client.PublishAsync(agent.Topic(Channel.Stored),
            ProtocolJson.Serialize(new StoredWatermark(ProtocolVersion.Current, agent.Agent.Identity.Agent, [new BootWatermark(agent.Agent.Runtime.Clock.Boot, stored)])), retain: true);
    }

    [Fact]
    public async Task What_the_broker_acknowledged_to_nobody_is_sent_again_when_the_watermark_stalls_and_then_leaves_the_outbox()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var harness = new AgentHarness(TestCourtyard.Only("lamp-01"), outbox: new OutboxOptions());  // keeps records until stored
        await using var linked = new LinkedAgent(harness, broker, QuickReconnect, pacedByAgentClock: true);
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(linked.Uplink.IsConnected), Patience.Seconds(20), "agent connected");

        // Nobody subscribes yet: the broker acknowledges every record and hands it to no one, as a broker that forgot
        // the cloud's shared subscription does.
        harness.Run(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));
        var written = harness.Outbox.LastSeq;
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(harness.Outbox.Stats.Unconfirmed == written), Patience.Seconds(20), "all acknowledged by the broker");
        Assert.Equal(written, harness.Outbox.Stats.Depth);                  // acknowledged, but kept

        var cloud = new Receiver(await LinkedAgent.WatchAsync(broker), linked);
        harness.Time.Advance(TimeSpan.FromSeconds(31));                      // past Outbox:StallSeconds on the uplink's clock
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(cloud.Contiguous() == written), Patience.Seconds(30), "the stalled records sent again");

        await cloud.PublishAsync(written);
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(harness.Outbox.Stats.Depth == 0), Patience.Seconds(20), "the watermark released them");
        await cloud.Client.DisposeAsync();
    }

    [Fact]
    public async Task After_a_broker_restart_without_persistence_everything_above_the_watermark_is_sent_again_and_a_gap_the_outbox_dropped_is_named_by_a_floor()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var gate = new TcpGate(broker.Port);
        var outbox = new OutboxOptions { MaxBytes = 128 * 1024, SegmentBytes = 8 * 1024, ReplayRecordsPerSecond = 1000 };
        var harness = new AgentHarness(TestCourtyard.Only("lamp-01", "gate-01"), outbox: outbox);
        await using var linked = new LinkedAgent(harness, broker, QuickReconnect, outbox: outbox, port: gate.Port);
        var cloud = new Receiver(await LinkedAgent.WatchAsync(broker), linked);

        harness.Run(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1));
        var first = harness.Outbox.LastSeq;
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(cloud.Contiguous() == first), Patience.Seconds(30), "first stretch received");
        await cloud.PublishAsync(first);
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(harness.Outbox.Stats.Depth == 0), Patience.Seconds(20), "the first stretch released");

        // More records go out and are acknowledged; then the broker dies without persistence before the cloud confirmed them.
        harness.Run(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        var second = harness.Outbox.LastSeq;
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(harness.Outbox.Stats.Unconfirmed == second - first), Patience.Seconds(20), "the second stretch acknowledged");
        gate.Close();
        await broker.StopAsync();
        var before = cloud.Client.Received;
        await cloud.Client.DisposeAsync();

        // A long outage: the small outbox drops its oldest telemetry, among it records the cloud never had.
        harness.Model.Gate("gate-01").Open();                                // a forced gate: an event, kept whatever drops
        for (var i = 0; i < 40 && harness.Outbox.Stats.Dropped == 0; i++)
        {
            harness.Run(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        }

        Assert.True(harness.Outbox.Stats.Dropped > 0, $"nothing dropped: {harness.Outbox.Stats}");
        await broker.RestartAsync();
        cloud = new Receiver(await LinkedAgent.WatchAsync(broker), linked) { All = before };
        gate.Open();

        // Everything still held arrives; the cloud's watermark stops at the first seq the outbox dropped.
        var held = harness.Outbox.Stats.Depth;
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(harness.Outbox.Stats.Unconfirmed == held), Patience.Seconds(60), "the backlog sent");
        var stalled = cloud.Contiguous();
        Assert.True(stalled >= first && stalled < harness.Outbox.LastSeq, $"watermark {stalled}");
        await cloud.PublishAsync(stalled);

        // The agent says it holds nothing below its floor, so the cloud can count the gap lost and move on. (The birth after
        // the restart may name an older floor, against the watermark the agent had before.)
        var status = await cloud.Client.WaitForAsync(
            m => LinkedAgent.Is(m, Channel.Status) && LinkedAgent.Read<AgentStatus>(m).Health?.OutboxFloors is [var f] && f.Seq > stalled + 1, Patience.Seconds(30));
        var floor = Assert.Single(LinkedAgent.Read<AgentStatus>(status).Health!.OutboxFloors!);
        Assert.Equal(harness.Runtime.Clock.Boot, floor.Boot);
        Assert.True(floor.Seq > stalled + 1 && !cloud.Seqs.Contains(floor.Seq - 1), $"floor {floor.Seq} above watermark {stalled}");
        Assert.Contains(floor.Seq, cloud.Seqs);

        await cloud.PublishAsync(harness.Outbox.LastSeq);
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(harness.Outbox.Stats.Depth == 0), Patience.Seconds(20), "everything released");
        await cloud.Client.DisposeAsync();
    }
}
