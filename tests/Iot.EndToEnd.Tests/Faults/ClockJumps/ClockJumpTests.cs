using Iot.Edge.Agent;
using Iot.Edge.Config;
using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Edge.Simulation;
using Iot.Edge.Sites;
using Iot.Edge.Uplink;
using Iot.EndToEnd.Tests.Faults.Support;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Testing;
using Iot.Testing.Services;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Iot.EndToEnd.Tests.Faults.ClockJumps;

/// <summary>
/// A Pi's clock through a boot: it starts in 1970 (no real-time clock), so readings carry boot id and ms since boot;
/// NTP then sets it, a jump forward of some twenty thousand days, overshooting by 20 s; then steps it back 20 s. The
/// agent (in-process, on a <see cref="SteppedClock"/>, with its real uplink) publishes through real Mosquitto to the
/// real cloud program: every reading is stored once, none in 1970 or in the future, each within the clock's error
/// of when it was really taken, so none in the wrong day.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClockJumpTests(ITestOutputHelper output)
{
    private const string AgentName = "yikang-1-a";
    private static readonly TimeSpan Overshoot = TimeSpan.FromSeconds(20);
    private const int SamplesPerPhase = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180); // a deadline only matters when something is broken
    private static readonly TimeZoneInfo Kunming = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task Readings_of_a_boot_that_starts_in_1970_then_jumps_forward_and_steps_back_are_each_stored_once_at_their_real_time()
    {
        using var folder = new FaultFolder("clock-jumps");
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await Witness.StartAsync(broker.Host, broker.Port);
        await using var cloud = await CloudUnderTest.StartAsync(folder.Path, broker.Port, new Dictionary<string, string> { ["Broker__SharedGroup"] = "" });

        var site = SiteFiles.Read(RepoPaths.SampleSite).Site!;
        var (courtyard, manifest) = site.FindAgent(AgentId.Parse(AgentName))!.Value;
        var clock = new SteppedClock();
        clock.Set(DateTimeOffset.UnixEpoch);   // power on: 1970-01-01 00:00:00
        var agentClock = new AgentClock(clock, ClockMode.WallClock);
        var bootStart = DateTimeOffset.UtcNow.AddMilliseconds(-agentClock.BootMs);   // the real instant its boot-relative times count from
        var model = new CourtyardModel(manifest, new Weather(site.Manifest.Location.Lat, site.Manifest.Location.Lon, 7), new ScenarioOptions { Scripted = true });
        var outboxOptions = new OutboxOptions { ReplayRecordsPerSecond = 1000 };
        using var outbox = DiskOutbox.Open(Path.Combine(folder.Path, "edge", "outbox"), outboxOptions, NullLogger.Instance);
        var identity = new AgentIdentity(site.Manifest.Id, courtyard.Id, manifest.Id, site.Manifest.Location);
        var edge = new EdgeOptions { Site = RepoPaths.SampleSite, SampleSeconds = 3 };
        using var trusted = TestSigning.Trusted();
        using var runtime = new AgentRuntime(identity, manifest, model.Board, model, outbox, agentClock, edge, new SafetyOptions(),
            new LatchStore(Path.Combine(folder.Path, "edge")), new ControlTrust(trusted, manifest.Id, agentClock, Path.Combine(folder.Path, "edge")), NullLogger.Instance);
        await using var uplink = new AgentUplink(runtime, new MqttOptions { Broker = $"{broker.Host}:{broker.Port}" }, outboxOptions, TimeSpan.FromSeconds(2), NullLogger.Instance);

        // The agent's own cadence: a tick every 250 ms on its clock's timers; phases switch between ticks.
        using var stop = new CancellationTokenSource();
        var gate = new Lock();
        var ticking = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(edge.TickMilliseconds), clock);
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                lock (gate)
                {
                    runtime.Tick();
                }
            }
        });
        var linked = Task.Run(() => uplink.RunAsync(stop.Token));
        try
        {
            // Phase 1, unsynced; 2, NTP jumps it to 20 s ahead of real time; 3, NTP steps it back 20 s.
            var phases = new List<(long FirstSeq, TimeSpan Offset)>();
            await PassAsync(outbox);
            lock (gate)
            {
                phases.Add((outbox.LastSeq + 1, Overshoot));
                clock.Set(DateTimeOffset.UtcNow + Overshoot);
            }

            await PassAsync(outbox);
            lock (gate)
            {
                phases.Add((outbox.LastSeq + 1, TimeSpan.Zero));
                clock.Step(-Overshoot);
            }

            await PassAsync(outbox);
            await ServiceProcess.WaitUntilAsync(() => Task.FromResult(outbox.Stats.Depth == 0), Patience, "the outbox drained");
            await stop.CancelAsync();
            await ticking.ContinueWith(_ => { }, TaskScheduler.Default);
            await linked;
            await Waits.ForCloudToCatchUpAsync(cloud, witness, Patience);

            // What the agent sent, each reading with the real time it was taken.
            var sent = new Ledger.SentMessages(witness);
            var taken = sent.Telemetry.SelectMany(m => m.Batch.Readings.Select(r => (
                Sensor: r.Sensor.Value,
                Real: r.BootMs is { } ms ? bootStart.AddMilliseconds(ms) : r.At!.Value - phases.Last(p => p.FirstSeq <= m.Batch.Seq).Offset,
                Stamp: r.At))).ToList();
            Assert.Contains(taken, t => t.Stamp is null);   // phase 1 did stamp with boot time
            var store = await StoredReadings.FromSqliteAsync(cloud.TimeSeriesFile, Path.Combine(folder.Path, "cloud.db"));
            var stored = store.Readings.Where(k => k.Agent == AgentName).ToList();

            // Each reading in the store once, where the agent's clock put it (wall-clock stamps exactly; boot-relative ones
            // by the boot's anchor, within a second), never more than the clock's error away from the real time.
            var unmatched = stored.ToHashSet();
            var problems = new List<string>();
            foreach (var t in taken)
            {
                var match = t.Stamp is { } at
                    ? unmatched.FirstOrDefault(k => k.Sensor == t.Sensor && k.AtMs == at.ToUnixTimeMilliseconds())
                    : unmatched.Where(k => k.Sensor == t.Sensor).OrderBy(k => Math.Abs(k.AtMs - t.Real.ToUnixTimeMilliseconds())).FirstOrDefault();
                if (match == default || (t.Stamp is null && Math.Abs(match.AtMs - t.Real.ToUnixTimeMilliseconds()) > 1000))
                {
                    problems.Add($"{t.Sensor} taken at {t.Real:O} (stamp {t.Stamp?.ToString("O") ?? "boot-relative"}) not stored where expected");
                    continue;
                }

                unmatched.Remove(match);
                var placed = DateTimeOffset.FromUnixTimeMilliseconds(match.AtMs);
                if ((placed - t.Real).Duration() > Overshoot + TimeSpan.FromSeconds(1))
                {
                    problems.Add($"{t.Sensor} taken at {t.Real:O} stored at {placed:O}");
                }

                var nearMidnight = (TimeZoneInfo.ConvertTime(t.Real, Kunming).TimeOfDay - TimeSpan.Zero).Duration() < Overshoot + TimeSpan.FromSeconds(2)
                    || (TimeSpan.FromDays(1) - TimeZoneInfo.ConvertTime(t.Real, Kunming).TimeOfDay).Duration() < Overshoot + TimeSpan.FromSeconds(2);
                if (!nearMidnight && TimeZoneInfo.ConvertTime(placed, Kunming).Date != TimeZoneInfo.ConvertTime(t.Real, Kunming).Date)
                {
                    problems.Add($"{t.Sensor} taken on {TimeZoneInfo.ConvertTime(t.Real, Kunming):yyyy-MM-dd} stored on {TimeZoneInfo.ConvertTime(placed, Kunming):yyyy-MM-dd}");
                }
            }

            Assert.All(stored, k => Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds(k.AtMs), MessageLimits.EarliestTime, DateTimeOffset.UtcNow.AddMinutes(5)));
            var lost = problems.Count(p => p.EndsWith("where expected", StringComparison.Ordinal));
            var duplicated = unmatched.Count + (store.AggregatedCount - store.RawRows);
            ReliabilityLog.Record("edge clock: boot in 1970, NTP jump forward (+20 s overshoot), step back 20 s", 2, taken.Count, stored.Count, lost, duplicated);
            output.WriteLine($"{taken.Count} readings taken ({taken.Count(t => t.Stamp is null)} boot-relative), {stored.Count} stored");
            Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
            Assert.Equal(0, duplicated);
            // The events (clockSynced once, the lamps switching by the sun once the clock can be trusted), each stored once.
            var events = witness.Data.Where(w => w.Message is DeviceEvent).Select(w => (DeviceEvent)w.Message).DistinctBy(e => e.Seq).ToList();
            Assert.Single(events, e => e.Kind == EventKind.ClockSynced);
            Assert.Equal(events.Select(e => e.Seq).Order(), store.Events.Where(e => e.Agent == AgentName).Select(e => e.Seq).Order());
            folder.Passed = true;
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    // Lets the agent run through a phase of its boot: until it has written three more records (about 9 s of samples at its
    // 3 s cadence, longer on a busy machine), whatever the wall clock it is given says.
    private static Task PassAsync(DiskOutbox outbox)
    {
        var from = outbox.LastSeq;
        return ServiceProcess.WaitUntilAsync(() => Task.FromResult(outbox.LastSeq >= from + SamplesPerPhase), Patience, "a phase of three records");
    }
}
