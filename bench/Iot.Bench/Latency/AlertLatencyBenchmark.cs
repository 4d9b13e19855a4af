using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Bench.Hostile;
using Iot.Bench.Load;
using Iot.Bench.Support;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Testing.Services;

namespace Iot.Bench.Latency;

/// <summary>
/// Alert latency under background load: a probe agent reports a forced gate (a critical rule, raised at once) while
/// other agents publish steady telemetry; measured from just before the publish to the alert arriving on the live push
/// (/api/live) and to the alert being visible through the API. p50, p99 and max at each background rate. With
/// <c>--flood</c>, one more registered agent floods valid messages all the while, a new boot and a new sensor in each
/// (<see cref="FloodCorpus"/>, as in <c>hostile --flood</c>), as a stolen password would.
/// </summary>
public static class AlertLatencyBenchmark
{
    private static readonly string[] Raised = ["raised", "reraised"];

    public static async Task<int> RunAsync(string[] args)
    {
        var rates = Options.Numbers(args, "--rates", [1000, 5000]);
        var probes = Options.Number(args, "--probes", 100);
        var flood = args.Contains("--flood");
        var floodRate = Options.Number(args, "--flood-rate", 2_000);
        var warmUp = TimeSpan.FromSeconds(Options.Number(args, "--warmup-seconds", 10));
        var rows = new List<string>();
        var valid = true;
        foreach (var rate in rates)
        {
            var (row, ok) = await MeasureAsync(rate, probes, flood ? floodRate : 0, warmUp);
            rows.Add(row);
            valid &= ok;
        }

        Console.WriteLine($"Alert latency, {DateTime.UtcNow:yyyy-MM-dd}, {Machine.Describe()}; real Mosquitto on loopback, cloud on SQLite, {probes} forced-gate probes per rate after {warmUp.TotalSeconds:0} s of the background load{(flood ? $", one agent flooding {floodRate:N0} messages/s all the while" : string.Empty)}.");
        Console.WriteLine();
        Console.WriteLine("| background load | offered readings/s | probes | live push p50 | p99 | max | API p50 | p99 | max | lost probes | load errors | flood messages |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        rows.ForEach(Console.WriteLine);
        return valid ? 0 : 1;
    }

    private static async Task<(string Row, bool Ok)> MeasureAsync(int rate, int probes, int floodRate, TimeSpan warmUp)
    {
        var site = SiteAgents.Sample();
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { ExtraConfig = "max_queued_messages 1000000\nmax_inflight_messages 1000" });
        await using var cloud = await CloudProcess.StartAsync(new Dictionary<string, string>
        {
            ["Broker:Mode"] = "External",
            ["Broker:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
        });

        // 50 agents at 10 readings a message: the interval sets the rate.
        var loadAgents = SiteAgents.Publishers(site, 0, 50);
        var probeAgents = SiteAgents.Publishers(site, 50, 20);
        foreach (var agent in loadAgents.Concat(probeAgents))
        {
            await agent.ConnectAsync(broker.Port, CancellationToken.None);
        }

        using var live = new LiveListener(cloud.Http);
        await live.ConnectedAsync();
        await using var load = new SteadyLoad(loadAgents, 10, TimeSpan.FromSeconds(50.0 * 10 / rate));
        load.Start();

        // The flood: the 71st agent (neither load nor probe), 10 connections, floodRate messages a second (a fresh
        // corpus each second: new boots), until the probes are done.
        using var stopFlood = new CancellationTokenSource();
        var flooded = 0L;
        var flooding = floodRate > 0 ? Task.Run(async () =>
        {
            while (!stopFlood.IsCancellationRequested)
            {
                var second = Stopwatch.GetTimestamp();
                try
                {
                    Interlocked.Add(ref flooded, await HostileSender.SendAsync(FloodCorpus.Generate(floodRate, 70), broker.Port, 10, 8, stopFlood.Token));
                    var left = TimeSpan.FromSeconds(1) - Stopwatch.GetElapsedTime(second);
                    if (left > TimeSpan.Zero)
                    {
                        await Task.Delay(left, stopFlood.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }
        }) : Task.CompletedTask;

        var livePush = new List<double>();
        var api = new List<double>();
        var lost = 0;

        // The target is the steady state, so the counted probes begin once the background load (and the flood) has run for
        // the warm-up: probes sent meanwhile, at least five, are run but not counted. Without it the first seconds after
        // the process starts (the JIT compiling and then re-compiling each path) are most of the tail.
        var warming = Stopwatch.GetTimestamp();
        for (var i = 0; ; i++)
        {
            var counted = i >= 5 && Stopwatch.GetElapsedTime(warming) >= warmUp;
            if (counted && livePush.Count + lost >= probes)
            {
                break;
            }

            var probe = probeAgents[i % probeAgents.Count];
            var gate = probe.Devices.First(d => d.Value.StartsWith("gate", StringComparison.Ordinal));
            var subject = $"{probe.Agent}/{gate}";
            var start = Stopwatch.GetTimestamp();
            await probe.EventAsync(EventKind.GateForced, gate, CancellationToken.None);
            var apiTask = PollApiAsync(cloud.Http, probe.Courtyard.Value, subject, start);
            var pushed = await live.WaitAsync(subject, Raised, start, TimeSpan.FromSeconds(10));
            var seen = await apiTask;
            if (pushed is null || seen is null)
            {
                lost++;
            }
            else if (counted)
            {
                livePush.Add(Stopwatch.GetElapsedTime(start, pushed.Value).TotalMilliseconds);
                api.Add(Stopwatch.GetElapsedTime(start, seen.Value).TotalMilliseconds);
            }

            // Clear it again so the next probe on this gate is a fresh raise.
            await probe.EventAsync(EventKind.GateClosed, gate, CancellationToken.None);
            await live.WaitAsync(subject, ["cleared"], start, TimeSpan.FromSeconds(10));
            if (!counted)
            {
                await Task.Delay(100);
            }
        }

        // The load stops before its clients go: a publish on a disposed client is the driver's error, not the cloud's.
        await stopFlood.CancelAsync();
        await flooding;
        await load.StopAsync();
        var stats = await cloud.StatsAsync();
        foreach (var agent in loadAgents.Concat(probeAgents))
        {
            await agent.DisposeAsync();
        }

        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {rate:N0} readings/s | {load.ReadingsPerSecond:N0} | {probes} | {P(livePush, 50)} | {P(livePush, 99)} | {P(livePush, 100)} | {P(api, 50)} | {P(api, 99)} | {P(api, 100)} | {lost} | {load.Errors} | {flooded:N0} |");
        Console.Error.WriteLine($"load: {load.Messages} messages published; cloud stored {stats.ReadingsSinceStart} readings, rejected {stats.RejectedSinceStart}");
        return (row, lost == 0 && load.Errors == 0 && (floodRate > 0 || stats.RejectedSinceStart == 0));
    }

    // Polls the alert list every 10 ms until the probe's alert is open and raised at or after the probe started (as often
    // as a console never would; without a pause the poll took CPU from the cloud it measures).
    private static async Task<long?> PollApiAsync(HttpClient http, string courtyard, string subject, long start)
    {
        var deadline = start + (10 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var alerts = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/alerts?status=open&courtyard={courtyard}", UriKind.Relative));
            foreach (var a in alerts.EnumerateArray())
            {
                if ($"{a.GetProperty("agent").GetString()}/{a.GetProperty("device").GetString()}" == subject && a.GetProperty("ruleKey").GetString() == "gate-forced")
                {
                    return Stopwatch.GetTimestamp();
                }
            }

            await Task.Delay(10);
        }

        return null;
    }

    private static string P(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return "–";
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return string.Create(CultureInfo.InvariantCulture, $"{sorted[Math.Clamp(rank, 1, sorted.Count) - 1]:0.0} ms");
    }
}
