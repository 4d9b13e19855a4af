using Iot.EndToEnd.Tests.Faults.Support;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing;
using Iot.Testing.Services;
using Xunit.Abstractions;

namespace Iot.EndToEnd.Tests.Faults.CloudCrash;

/// <summary>
/// The cloud killed with SIGKILL in the middle of ingest and started again on the same data folder, while three real
/// agents keep publishing: nothing the broker acknowledged is lost (the cloud acknowledges only after storing, and its
/// persistent session keeps the rest), what the broker redelivers is stored once, and a forced gate reported just
/// before the kill, and replayed while the cloud is down, opens exactly one alert and one work order.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CloudKillTests(ITestOutputHelper output)
{
    private const int Agents = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180); // a deadline only matters when something is broken

    [Fact]
    public async Task A_cloud_killed_with_its_embedded_broker_loses_nothing_the_broker_had_acknowledged_to_the_agents()
    {
        // The default deployment: the broker lives in the cloud's process, in memory. A kill takes with it every message it
        // had acknowledged to the agents and not yet handed over to be stored; the agents keep those until the cloud's
        // watermark passes them, and send them again to the restarted cloud.
        using var folder = new FaultFolder("cloud-kill-embedded");
        var port = ServiceProcess.FreePort();
        var cloud = await CloudUnderTest.StartAsync(folder.Path, port, new Dictionary<string, string> { ["Broker__Mode"] = "Embedded" });
        await using var gate = new TcpGate(port);
        var witness = await Witness.StartAsync("127.0.0.1", port);
        try
        {
            await using var fleet = Fleet.Start(folder.Path, gate.Port, Agents, cloud.TrustedKeysFolder);
            await Waits.ForTelemetryAsync(witness, Agents, 5, Patience, fleet.Tail);

            gate.Close();
            var subscribed = witness.Subscriptions;
            await cloud.KillAsync();
            await cloud.RestartAsync();
            await ServiceProcess.WaitUntilAsync(() => Task.FromResult(witness.Subscriptions > subscribed), Patience, "the witness subscribed again");
            gate.Open();

            await Waits.ForTelemetryAsync(witness, Agents, 3, Patience, fleet.Tail);
            await Waits.StopAndCatchUpAsync(fleet, cloud, witness, Patience);
            var (ledger, _, sequences) = await Ledger.SquareSqliteAsync(witness, cloud, folder.Path);
            output.WriteLine($"messages sent again that the cloud dropped as duplicates: {sequences.Sum(s => s.Duplicates)}");
            ledger.Record("cloud on its embedded broker killed (SIGKILL) mid-stream, restarted on its data", 1);
            ledger.AssertNothingLostOrDuplicated("after the kill of the cloud and its embedded broker");
            folder.Passed = true;
        }
        finally
        {
            await witness.DisposeAsync();
            await cloud.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_cloud_killed_mid_ingest_loses_nothing_acknowledged_stores_redeliveries_once_and_raises_one_alert_and_one_order()
    {
        using var folder = new FaultFolder("cloud-kill");
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { Persistence = true });
        await using var witness = await Witness.StartAsync(broker.Host, broker.Port);
        var cloud = await CloudUnderTest.StartAsync(folder.Path, broker.Port);
        try
        {
            await using var fleet = Fleet.Start(folder.Path, broker.Port, Agents, cloud.TrustedKeysFolder);
            await Waits.ForTelemetryAsync(witness, Agents, 3, Patience, fleet.Tail);

            // A gate is forced in courtyard yikang-1, whose agent speaks through a plain MQTT client here; the event goes
            // out just before the kill, and its agent sends it again (same boot, same seq) while the cloud is down, as
            // an agent does whose PUBACK was lost.
            await using var gate = await MqttTestClient.ConnectAsync(broker.Host, broker.Port, clientId: "yikang-1-a-test");
            var forced = ProtocolJson.Serialize(new DeviceEvent(ProtocolVersion.Current, AgentId.Parse("yikang-1-a"), BootId.Parse("f0000000000000a1"), 1,
                EventKind.GateForced, DeviceId.Parse("gate-01"), At: DateTimeOffset.UtcNow));
            var topic = new AgentTopic(SiteId.Parse("yongchang"), CourtyardId.Parse("yikang-1"), AgentId.Parse("yikang-1-a"), Channel.Events).ToString();
            await gate.PublishAsync(topic, forced);
            await cloud.KillAsync();
            await gate.PublishAsync(topic, forced);

            // The agents carry on while the cloud is away; the broker keeps their messages in the cloud's session.
            await Waits.ForTelemetryAsync(witness, Agents, 3, Patience, fleet.Tail);
            await cloud.RestartAsync();
            await Waits.ForTelemetryAsync(witness, Agents, 3, Patience, fleet.Tail);

            await Waits.StopAndCatchUpAsync(fleet, cloud, witness, Patience);
            var (ledger, store, sequences) = await Ledger.SquareSqliteAsync(witness, cloud, folder.Path);
            output.WriteLine($"redelivered messages the cloud dropped as duplicates: {sequences.Sum(s => s.Duplicates)}");
            ledger.Record("cloud killed (SIGKILL) mid-ingest, restarted on its data", 1);
            ledger.AssertNothingLostOrDuplicated("after the cloud's kill and restart");
            Assert.Single(store.Events, e => e.Agent == "yikang-1-a");

            // One fault, one alert, one work order, however often the event arrived.
            var alerts = new List<System.Text.Json.JsonElement>();
            var orders = new List<System.Text.Json.JsonElement>();
            await ServiceProcess.WaitUntilAsync(
                async () =>
                {
                    alerts = [.. (await cloud.GetAsync("/api/alerts?status=all&courtyard=yikang-1")).EnumerateArray().Where(a => a.GetProperty("ruleKey").GetString() == "gate-forced")];
                    orders = [.. (await cloud.GetAsync("/api/work-orders?courtyard=yikang-1")).EnumerateArray().Where(o => o.GetProperty("fault").GetString() == "gate-forced")];
                    return alerts.Count > 0 && orders.Count > 0;
                },
                Patience,
                "the forced gate's alert and work order",
                cloud.Process.Tail);
            Assert.Single(alerts);
            Assert.Single(orders);
            Assert.Equal(orders[0].GetProperty("id").GetInt64(), alerts[0].GetProperty("workOrderId").GetInt64());
            folder.Passed = true;
        }
        finally
        {
            await cloud.DisposeAsync();
        }
    }
}
