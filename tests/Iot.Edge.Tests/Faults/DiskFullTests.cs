using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Faults;

/// <summary>
/// The agent's disk fills up for real (ENOSPC from a small tmpfs, most of it taken by other files) during a long broker
/// outage: the outbox drops oldest telemetry by its policy and says so, the interlocks still cut within a second, the
/// agent keeps running and delivers what it kept when the broker returns, and it starts again on the full disk.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DiskFullTests
{
    [Fact]
    public async Task On_a_full_disk_interlocks_cut_the_outbox_drops_telemetry_by_policy_and_reports_it_and_the_agent_runs_on()
    {
        await using var disk = await SmallDisk.MountAsync(1024 * 1024);
        disk.FillUntilFree(160 * 1024);
        await using var broker = await MosquittoBroker.StartAsync();
        await broker.StopAsync(); // a long outage: everything goes to the outbox

        // The outbox's own bound (64 MiB) is far above what the disk has: the disk is what runs out.
        var outbox = AgentHarness.WithoutCloud(maxBytes: 64L * 1024 * 1024, replayRecordsPerSecond: 1000);
        var harness = new AgentHarness(TestCourtyard.Only("lamp-01", "charger-01"), folder: disk.Path, outbox: outbox);
        LinkedAgent? linked = null;
        try
        {
            var model = harness.Model.Charger("charger-01");
            model.TemperatureC = 25;
            model.Outlet(1).LoadA = 1.6;
            model.Outlet(2).LoadA = 1.2;
            harness.RunUntil(() => harness.Outbox.Stats.Dropped > 0, TimeSpan.FromDays(2), TimeSpan.FromSeconds(5));
            harness.Run(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5)); // and on, with the disk full
            // The drops came from the disk, not from the outbox's own bound.
            Assert.True(harness.Outbox.Stats.Bytes < outbox.MaxBytes / 50, $"outbox holds {harness.Outbox.Stats.Bytes} bytes");

            // A battery overheats the moment the disk is full to the last byte: both outlets cut within a second, although
            // neither the latch file nor the cut-off records fit until the outbox has dropped telemetry for them.
            disk.FillUntilFree(0);
            Assert.Equal(0, disk.Free);
            model.TemperatureC = 78;
            var took = harness.RunUntil(() => !model.RelayOn(1) && !model.RelayOn(2), TimeSpan.FromSeconds(5));
            Assert.True(took <= TimeSpan.FromSeconds(1), $"relays opened after {took.TotalMilliseconds} ms");
            var station = (Iot.Edge.Sensors.Charger)harness.Runtime.Device("charger-01")!;
            Assert.True(station.IsLatched(1) && station.IsLatched(2));
            harness.Run(TimeSpan.FromSeconds(5));
            var status = harness.Runtime.Status(1, Presence.Online);
            Assert.True(status.Health!.OutboxDropped > 0, $"status reports the drops: {status.Health}");
            Assert.True(status.Health.DiskFreeBytes < 64 * 1024 * 1024);

            // The broker returns: what the outbox kept goes out, the cut-offs and the drop report among it; acknowledging
            // (cursor files) on the full disk does not stop the agent.
            await broker.RestartAsync();
            await using var watcher = await LinkedAgent.WatchAsync(broker);
            linked = new LinkedAgent(harness, broker, outbox: outbox);
            var written = harness.Outbox.LastSeq;
            await ServiceProcess.WaitWhileProgressingAsync(() => Task.FromResult(harness.Outbox.Stats.Depth), depth => depth == 0, TimeSpan.FromSeconds(30), "the outbox to drain",
                () => $"depth {harness.Outbox.Stats.Depth}, connected {linked.Uplink.IsConnected}");
            Assert.True(linked.Uplink.IsConnected);
            var data = watcher.Received.Where(m => !LinkedAgent.Is(m, Channel.Status)).Select(m => LinkedAgent.Is(m, Channel.Events)
                ? (IUplinkMessage)LinkedAgent.Read<DeviceEvent>(m) : LinkedAgent.Read<TelemetryBatch>(m)).ToList();
            var cuts = data.OfType<DeviceEvent>().Where(e => e.Kind == EventKind.ChargerCutOff).ToList();
            Assert.Equal([1, 2], cuts.Select(c => c.Outlet!.Value).Distinct().Order());
            Assert.All(cuts, c => Assert.Equal(TripReason.OverTemperature, c.Reason));
            var dropping = data.OfType<DeviceEvent>().Where(e => e.Kind == EventKind.OutboxDropping).ToList();
            Assert.NotEmpty(dropping);

            // Every record written was delivered or dropped by the policy and counted: nothing vanished silently.
            var delivered = data.Select(d => d.Seq).Distinct().Count();
            var dropped = harness.Outbox.Stats.Dropped;
            ReliabilityLog.Record("edge disk full (ENOSPC on a 1 MiB tmpfs); records, not readings: stored = delivered to the broker, lost = dropped by policy and reported", 1,
                written, delivered, written - delivered, data.Count - delivered);
            Assert.Equal(written, delivered + dropped);
            Assert.Equal(dropped, (long)dropping.Sum(e => e.Value!.Value) + harness.Outbox.TakeNewDrops());
        }
        finally
        {
            // Whatever failed, nothing of the agent stays open on the disk (the disk is unmounted on its own dispose).
            if (linked is not null)
            {
                await linked.DisposeAsync();
            }
            else
            {
                harness.Dispose();
            }
        }

        // A restart on the full disk comes up: the outbox recovers, the latched outlets stay off.
        using var restarted = new AgentHarness(TestCourtyard.Only("lamp-01", "charger-01"), folder: disk.Path, outbox: outbox);
        restarted.Run(TimeSpan.FromSeconds(5));
        Assert.False(restarted.Model.Charger("charger-01").RelayOn(1));
        Assert.False(restarted.Model.Charger("charger-01").RelayOn(2));
    }
}
