using System.Diagnostics;
using System.Globalization;
using Iot.Bench.Ingest;
using Iot.Bench.Support;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Bench.Hostile;

/// <summary>
/// Valid telemetry throughput through the real cloud (Release, its own process, real Mosquitto, SQLite) alone, then in
/// the same run and the same cloud with the hostile corpus (<see cref="HostileCorpus"/>) published alongside by other
/// MQTT clients (<see cref="HostileSender"/>). Prints one markdown row; exits non-zero if a valid reading was lost, one was stored twice, or the cloud
/// died. The issue's target: with the corpus, valid throughput within 20% of normal.
/// </summary>
public static class HostileBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var agents = Options.Number(args, "--agents", 50);
        var messages = Options.Number(args, "--messages-per-agent", 80);
        var perMessage = Options.Number(args, "--readings-per-message", 50);
        var hostileCount = Options.Number(args, "--hostile", 10_000);
        var rounds = Options.Number(args, "--rounds", 3);

        // --flood: the corpus is one registered agent flooding valid messages, a new boot and a new sensor in each.
        var flood = args.Contains("--flood");

        // As many connections as valid agents (see HostileSender): one would get a 51st of the broker's time.
        var hostileClients = Options.Number(args, "--hostile-clients", agents);
        const int InFlight = 8;

        // Each phase sends fresh readings (its own hours in the past), so nothing repeats a reading already stored.
        var hour = 2;
        TelemetryLoad Fresh(int perAgent) => TelemetryLoad.Build(agents, perAgent, perMessage, hoursAgo: hour += 2);
        var probe = Fresh(1);
        // The corpus speaks as a registered agent that is not one of the honest ones: each agent has its own message
        // budget, so a corpus on an honest agent's topics would spend that agent's budget (the broker's ACL stops
        // that in a real deployment; this bench's Mosquitto has none).
        var (courtyard, spoofed) = TelemetryLoad.SampleSite().Agents.Skip(probe.Agents.Count).Select(p => (p.Courtyard.Id.Value, p.Agent.Id.Value)).First();
        var corpus = flood ? FloodCorpus.Generate(hostileCount, probe.Agents.Count) : HostileCorpus.Generate(hostileCount, "yongchang", courtyard, spoofed).ToList();
        Console.Error.WriteLine($"hostile: {probe.Agents.Count} agents × {messages} messages × {perMessage} readings = {(long)probe.Agents.Count * messages * perMessage:N0} readings per phase; {corpus.Count:N0} hostile messages; {rounds} rounds of alone, then with the corpus");

        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { ExtraConfig = "max_queued_messages 1000000\nmax_inflight_messages 1000" });
        await using var cloud = await CloudProcess.StartAsync(new Dictionary<string, string>
        {
            ["Broker:Mode"] = "External",
            ["Broker:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Broker:SharedGroup"] = "bench",
            ["TimeSeries:Backend"] = "Sqlite",
        });

        var phases = new List<Phase> { await PhaseAsync("warm-up", cloud, Fresh(Math.Max(1, messages / 5)), broker.Port, InFlight, null) };
        var honest = flood ? perMessage : 0;
        var alone = new List<Phase>();
        var together = new List<Phase>();
        long sent = 0, deadLettered = 0, duringPhases = 0;
        for (var round = 1; round <= rounds && !cloud.HasExited; round++)
        {
            alone.Add(await PhaseAsync($"round {round} alone", cloud, Fresh(messages), broker.Port, InFlight, null));
            var with = await PhaseAsync($"round {round} with corpus", cloud, Fresh(messages), broker.Port, InFlight, corpus, hostileClients, honest);
            together.Add(with);
            sent += with.HostileSent;
            duringPhases += with.Rejected;

            // Every hostile message must end as a dead letter; let the rest drain before the next phase is timed.
            var deadline = DateTime.UtcNow.AddMinutes(3);
            var rejected = 0L;
            while (!cloud.HasExited && DateTime.UtcNow < deadline && (rejected = (await cloud.StatsAsync()).RejectedSinceStart - with.RejectedBefore) < with.HostileSent)
            {
                // A flood within its burst is stored, not refused: done once every message is processed.
                if (flood && (await cloud.StatsAsync()).MessagesSinceStart - with.MessagesBefore >= with.HostileSent + with.ValidMessages)
                {
                    break;
                }

                await Task.Delay(100);
            }

            deadLettered += rejected;
            Console.Error.WriteLine($"round {round}: {rejected:N0} of {with.HostileSent:N0} hostile messages dead-lettered ({with.Rejected:N0} while the valid load ran, sent in {with.HostileSeconds:0.0} s)");
        }

        phases.AddRange(alone);
        phases.AddRange(together);
        var alive = !cloud.HasExited && (await cloud.Http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode;
        var complete = phases.All(p => p.Complete) && together.Count == rounds;
        var normal = Median(alone.Select(p => p.ReadingsPerSecond));
        var hostile = Median(together.Select(p => p.ReadingsPerSecond));
        var ratio = hostile / normal;

        Console.WriteLine($"Valid throughput under {(flood ? "one agent's flood (a new boot and a new sensor in every message)" : "hostile input")}, {DateTime.UtcNow:yyyy-MM-dd}, {Machine.Describe()}; {probe.Agents.Count} agents × {messages} messages × {perMessage} readings per phase, QoS 1, real Mosquitto, cloud (Release) into SQLite; the corpus ({hostileCount:N0} messages per round) from {hostileClients} more clients, 8 in flight each, started first; median of {rounds} rounds.");
        Console.WriteLine();
        Console.WriteLine("| valid readings/s alone | with corpus | ratio | hostile messages sent | dead-lettered (while valid load ran) | crashes | cloud CPU alone / with | valid readings lost | target (≥ 80%) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {normal:N0} | {hostile:N0} | {ratio:P0} | {sent:N0} | {deadLettered:N0} ({duringPhases:N0}) | {(alive ? 0 : 1)} | {Median(alone.Select(p => p.Cpu)):P0} / {Median(together.Select(p => p.Cpu)):P0} | {phases.Sum(p => p.Lost):N0} | {(ratio >= 0.8 ? "met" : "NOT met")} |"));
        Console.Error.WriteLine("per round, alone / with corpus (readings/s): " + string.Join("; ", alone.Zip(together, (a, w) => string.Create(CultureInfo.InvariantCulture, $"{a.ReadingsPerSecond:N0} / {w.ReadingsPerSecond:N0}"))));
        if (deadLettered < sent && !flood)
        {
            Console.Error.WriteLine($"hostile: only {deadLettered} of {sent} hostile messages were dead-lettered");
        }

        return complete && alive ? 0 : 1;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    // floodPerMessage: the corpus is a flood of one-reading valid messages, some of them stored; honest messages carry more
    // readings, so the honest ones stored follow from the counts: ΔReadings = n·H + F, ΔMessages = H + F + ΔRejected.
    private static async Task<Phase> PhaseAsync(string name, CloudProcess cloud, TelemetryLoad load, int port, int inFlight, List<HostileMessage>? corpus, int hostileClients = 0, int floodPerMessage = 0)
    {
        var start = await cloud.StatsAsync();
        var hostile = corpus is null ? Task.FromResult((Sent: 0, Seconds: 0.0)) : SendTimedAsync(corpus, port, hostileClients, inFlight);

        // The corpus goes first until the cloud is dead-lettering it, so the valid load meets a hostile stream already
        // flowing: published at once, the valid load would be queued at the broker ahead of most of the corpus.
        while (corpus is not null && !hostile.IsCompleted && (await cloud.StatsAsync()).RejectedSinceStart - start.RejectedSinceStart < corpus.Count / 20)
        {
            await Task.Delay(10);
        }

        var before = await cloud.StatsAsync();
        var cpuBefore = cloud.CpuTime;
        var clock = Stopwatch.StartNew();
        await Publishers.PublishAsync(load, port, inFlight, CancellationToken.None);

        // Done when every valid reading is stored (the stats count a batch after it is in the store and the database).
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var stats = before;
        while (!cloud.HasExited && DateTime.UtcNow < deadline)
        {
            stats = await cloud.StatsAsync();
            if (Honest(stats) >= load.Readings || stats.StoreFailing)
            {
                break;
            }

            await Task.Delay(20);
        }

        var elapsed = clock.Elapsed;
        long Honest(IngestStats s)
        {
            var readings = s.ReadingsSinceStart - before.ReadingsSinceStart;
            return floodPerMessage <= 1 ? readings
                : floodPerMessage * ((readings - (s.MessagesSinceStart - before.MessagesSinceStart) + (s.RejectedSinceStart - before.RejectedSinceStart)) / (floodPerMessage - 1));
        }

        var cpuTime = cloud.CpuTime - cpuBefore;
        var cpu = cpuTime / elapsed / Environment.ProcessorCount;
        var (sent, hostileSeconds) = await hostile;
        var stored = Math.Min(Honest(stats), load.Readings);
        var duplicates = stats.DuplicatesSinceStart - before.DuplicatesSinceStart;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {stored:N0} of {load.Readings:N0} readings in {elapsed.TotalSeconds:0.00} s (cloud CPU {cpuTime.TotalSeconds:0.00} s), {duplicates} duplicates, {stats.RejectedSinceStart - before.RejectedSinceStart} rejected so far, store error {stats.StoreError ?? "none"}"));
        return new Phase(stored / elapsed.TotalSeconds, cpu, load.Readings - stored, stored == load.Readings && duplicates == 0, sent, hostileSeconds, start.RejectedSinceStart, stats.RejectedSinceStart - before.RejectedSinceStart, start.MessagesSinceStart, load.Messages);
    }

    private static async Task<(int Sent, double Seconds)> SendTimedAsync(List<HostileMessage> corpus, int port, int clients, int inFlight)
    {
        var clock = Stopwatch.StartNew();
        var sent = await HostileSender.SendAsync(corpus, port, clients, inFlight, CancellationToken.None);
        return (sent, clock.Elapsed.TotalSeconds);
    }

    private sealed record Phase(double ReadingsPerSecond, double Cpu, long Lost, bool Complete, int HostileSent, double HostileSeconds, long RejectedBefore, long Rejected, long MessagesBefore, long ValidMessages);
}
