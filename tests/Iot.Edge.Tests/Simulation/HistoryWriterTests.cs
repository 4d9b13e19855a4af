using Iot.Edge.Outbox;
using Iot.Edge.Simulation;
using Iot.Edge.Simulation.History;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Iot.Edge.Tests.Simulation;

/// <summary>A new simulated agent's past week, written into its outbox (<c>Simulation:HistoryDays</c>).</summary>
public sealed class HistoryWriterTests : IDisposable
{
    private static readonly DateTimeOffset End = AgentHarness.Evening;
    private static readonly Weather Sky = new(25.03, 102.68, 7);
    private readonly string _folder = Directory.CreateTempSubdirectory("iot-history-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_week_is_in_the_outbox_oldest_first_each_boot_numbered_from_one_with_older_samples_further_apart()
    {
        var agent = TestCourtyard.Only("lamp-01", "gate-01", "drain-01", "charger-01");
        var from = End - TimeSpan.FromDays(7);
        var faults = HistoryTimetable.Of([agent], from, End, Sky, seed: 7);

        var fill = HistoryWriter.Write(Open, agent, new HistoryReadings(Sky, faults, 7), faults, from, End, seed: 7);

        using var outbox = Open();
        var records = Drain(outbox);
        Assert.Equal(fill.Records, records.Count);
        var batches = records.Where(r => r.Channel == Channel.Telemetry).Select(r => ProtocolJson.DeserializeTrusted<TelemetryBatch>(r.Payload)!).ToList();
        Assert.Equal(fill.Readings, batches.Sum(b => b.Readings.Count));
        var outage = Assert.Single(faults, f => f.Kind == PastFaultKind.AgentOffline);
        var times = batches.Select(b => b.Readings[0].At ?? outage.To.AddMilliseconds(b.Readings[0].BootMs!.Value)).ToList();   // placed as the cloud would
        Assert.Equal(times.Order(), times);
        Assert.InRange(times[0], from, from + TimeSpan.FromHours(1));
        Assert.InRange(times[^1], End - TimeSpan.FromMinutes(4), End);
        Assert.Equal(TimeSpan.FromMinutes(4), times[^1] - times[^2]);   // the last day every 4 minutes
        Assert.Equal(TimeSpan.FromHours(1), times[1] - times[0]);       // the days before every hour
        Assert.InRange(times.Count, 450, 510);                          // so 115 agents fit a first start's ingest budget

        // The agent was offline for some hours: no readings then, and it came back in a new boot, numbered from 1 again.
        Assert.DoesNotContain(times, t => t >= outage.From && t < outage.To);
        var boots = batches.GroupBy(b => b.Boot).ToList();
        Assert.Equal(2, boots.Count);
        Assert.All(boots, boot => Assert.Equal(1, records.Where(r => r.Boot == boot.Key.Value).Min(r => r.Seq)));

        // The first boot ran synced all week before the outage. The second began at the outage's end without a synced clock:
        // its first sample a minute after boot carries boot-relative times, and once its clock synced the agent said so and
        // every batch carries the boot's clock, which places the boot where it began (protocol 1.3).
        Assert.All(boots[0], b => Assert.True(b.Clock is null && b.Readings.All(r => r.At is not null)));
        var unsynced = boots[1].TakeWhile(b => b.Clock is null).ToList();
        Assert.NotEmpty(unsynced);
        Assert.All(unsynced, b => Assert.True(b.Readings.All(r => r.At is null && r.BootMs < HistoryWriter.SyncAfterBoot.TotalMilliseconds)));
        Assert.Equal(60_000, unsynced[0].Readings[0].BootMs);
        var placed = boots[1].Skip(unsynced.Count).ToList();
        Assert.NotEmpty(placed);
        Assert.All(placed, b => Assert.True((b.Clock!.BootStart - outage.To).Duration() < TimeSpan.FromMilliseconds(1) && b.Clock.At == b.Readings[0].At && b.Readings.All(r => r.BootMs is null)));
        var syncedEvent = Assert.Single(records.Where(r => r.Channel == Channel.Events).Select(r => ProtocolJson.DeserializeTrusted<DeviceEvent>(r.Payload)!),
            e => e.Kind == EventKind.ClockSynced);
        Assert.Equal((boots[1].Key, placed[0].Clock!.At), (syncedEvent.Boot, syncedEvent.At!.Value));
    }

    [Fact]
    public void The_weeks_faults_are_in_the_readings_and_events_the_agent_would_have_sent()
    {
        var agent = TestCourtyard.Only("lamp-01", "gate-01", "drain-01", "charger-01");
        var from = End - TimeSpan.FromDays(7);
        var faults = HistoryTimetable.Of([agent], from, End, Sky, seed: 7);
        var readings = new HistoryReadings(Sky, faults, 7);

        HistoryWriter.Write(Open, agent, readings, faults, from, End, seed: 7);

        using var outbox = Open();
        var records = Drain(outbox);
        var events = records.Where(r => r.Channel == Channel.Events).Select(r => ProtocolJson.DeserializeTrusted<DeviceEvent>(r.Payload)!).ToList();
        var kinds = events.Select(e => e.Kind).ToHashSet();
        Assert.Contains(EventKind.GateForced, kinds);
        Assert.Contains(EventKind.GateClosed, kinds);
        Assert.Contains(EventKind.ChargerCutOff, kinds);

        // A dark lamp draws next to nothing at night; once mended, it draws its current again.
        var dark = faults.First(f => f.Kind == PastFaultKind.LampDark);
        var lamp = agent.Devices.Single(d => d.Id.Value == "lamp-01");
        Assert.Equal(0.004, Current(readings, agent, lamp, dark.From + TimeSpan.FromMinutes(30)));
        var mended = Enumerable.Range(0, 96).Select(i => dark.To + TimeSpan.FromMinutes(30 * i))
            .First(t => t < End && Sky.SunElevation(t) < -1 && readings.Active(PastFaultKind.LampDark, agent.Id, lamp.Id, t) is null);
        Assert.InRange(Current(readings, agent, lamp, mended), 0.4, 0.5);

        // The storm raises the drain.
        var storm = faults.Single(f => f.Kind == PastFaultKind.Storm);
        var drain = agent.Devices.Single(d => d.Id.Value == "drain-01");
        Assert.True(Level(readings, agent, drain, storm.To) > Level(readings, agent, drain, storm.From - TimeSpan.FromHours(1)) + 5);
    }

    private static double Current(HistoryReadings readings, Iot.Protocol.Sites.AgentManifest agent, Iot.Protocol.Sites.DeviceManifest lamp, DateTimeOffset at)
    {
        var sample = new List<Reading>();
        readings.Sample(agent.Id, lamp, at, sample);
        return sample.Single(r => r.Sensor.Signal == "current").Value;
    }

    private static double Level(HistoryReadings readings, Iot.Protocol.Sites.AgentManifest agent, Iot.Protocol.Sites.DeviceManifest drain, DateTimeOffset at)
    {
        var sample = new List<Reading>();
        readings.Sample(agent.Id, drain, at, sample);
        return sample.Single(r => r.Sensor.Signal == "level").Value;
    }

    [Fact]
    public void The_same_seed_gives_the_same_week()
    {
        var agents = new[] { TestCourtyard.Only("lamp-01", "gate-01", "drain-01", "charger-01") };
        var from = End - TimeSpan.FromDays(7);
        Assert.Equal(HistoryTimetable.Of(agents, from, End, Sky, 7), HistoryTimetable.Of(agents, from, End, Sky, 7));
        Assert.NotEqual(HistoryTimetable.Of(agents, from, End, Sky, 7), HistoryTimetable.Of(agents, from, End, Sky, 8));
    }

    [Fact]
    public void One_gate_is_forced_twice_a_day_apart_with_nothing_else_on_it_between_and_only_where_its_order_is_worked()
    {
        // A few courtyards, as a week's gates are forced here and there.
        var agent = TestCourtyard.Only("lamp-01", "gate-01", "drain-01", "charger-01");
        var agents = new[] { agent, agent with { Id = AgentId.Parse("test-2-a") }, agent with { Id = AgentId.Parse("test-3-a") } };
        var from = End - TimeSpan.FromDays(7);

        var faults = HistoryTimetable.Of(agents, from, End, Sky, seed: 7, worked: new HashSet<AgentId> { agent.Id });

        var again = Assert.Single(faults, f => f.Again);
        Assert.Equal((PastFaultKind.GateForced, agent.Id), (again.Kind, again.Agent!.Value)); // only where the orders are worked
        var before = faults.Where(f => f.Kind == PastFaultKind.GateForced && !f.Again && f.Agent == again.Agent && f.Device == again.Device && f.From < again.From).MaxBy(f => f.From)!;
        Assert.InRange(again.From - before.From, TimeSpan.FromHours(20), TimeSpan.FromHours(28)); // the gate forced the day before
        Assert.Equal(before.To - before.From, again.To - again.From);
        Assert.True(again.To < End);
        Assert.DoesNotContain(faults, f => f.Again && f.Kind != PastFaultKind.GateForced);

        // No agent whose orders are worked: no gate forced again (its first order would still be open, nothing to reopen).
        Assert.DoesNotContain(HistoryTimetable.Of(agents, from, End, Sky, seed: 7, worked: new HashSet<AgentId>()), f => f.Again);
        // The rest of the week is the same with or without the pair, and nothing else happens on that gate or agent between.
        Assert.Equal(HistoryTimetable.Of(agents, from, End, Sky, seed: 7, worked: new HashSet<AgentId>()), faults.Where(f => f != again && f != before));
        Assert.DoesNotContain(faults, f => f != again && f != before && f.Agent == agent.Id && (f.Device == again.Device || f.Kind == PastFaultKind.AgentOffline)
            && f.From < again.To && f.To > before.From);
    }

    private DiskOutbox Open() => DiskOutbox.Open(_folder, new OutboxOptions(), NullLogger.Instance);

    private static List<OutboxRecord> Drain(DiskOutbox outbox)
    {
        var all = new List<OutboxRecord>();
        while (outbox.TakeBatch(256, includeTelemetry: true) is { } batch)
        {
            all.AddRange(batch.Records);
            outbox.Acknowledge(batch, batch.Records.Count);
        }

        return all;
    }
}
