using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Bench.Load;
using Iot.Bench.Support;
using Iot.Protocol.Messages;
using Iot.Testing.Services;

namespace Iot.Bench.Scale;

/// <summary>
/// Scale-out: several cloud instances (3 by default) on one Mosquitto with a shared subscription, sharing PostgreSQL
/// and InfluxDB, split the load; fault events from many agents, spread over the run and so over every instance, must
/// give exactly one alert and one work order per fault. One instance is killed (SIGKILL) a third of the way through and
/// started again at half way, with the same client id; no reading may be lost (counted in InfluxDB itself).
/// </summary>
public static class ScaleOutBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Options.Number(args, "--seconds", 60);
        var count = Options.Number(args, "--instances", 3);
        var kill = !args.Contains("--no-kill");
        var site = SiteAgents.Sample();
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { ExtraConfig = "max_queued_messages 1000000\nmax_inflight_messages 1000" });
        await using var postgres = await PostgresServer.StartAsync();
        await using var influx = await InfluxServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync("estate");

        Dictionary<string, string> Settings(string id) => new()
        {
            ["Broker:Mode"] = "External",
            ["Broker:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Broker:ClientId"] = id,
            ["Broker:SharedGroup"] = "cloud",
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = database,
            ["TimeSeries:Backend"] = "Influx",
            ["TimeSeries:Influx:Url"] = influx.Url.ToString(),
        };

        // One after the other: the first migrates the shared database.
        var ids = Enumerable.Range(0, count).Select(i => $"cloud-{(char)('a' + i)}").ToList();
        var clouds = new List<CloudProcess>();
        foreach (var id in ids)
        {
            clouds.Add(await CloudProcess.StartAsync(Settings(id)));
        }

        try
        {
            var load = SiteAgents.Publishers(site, 0, 60);
            var probes = SiteAgents.Publishers(site, 60, 40).Where(p => p.Devices.Any(d => d.Value.StartsWith("charger", StringComparison.Ordinal))).Take(20).ToList();
            foreach (var agent in load.Concat(probes))
            {
                await agent.ConnectAsync(broker.Port, CancellationToken.None);
            }

            // A console on cloud-a: when does each probe's forced gate reach its live feed, whichever instance raised it?
            var run = System.Diagnostics.Stopwatch.StartNew();
            var forcedAt = new System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan>();
            var onFeedAt = new System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan>();
            using var console = new CancellationTokenSource();
            var feed = WatchFeedAsync(clouds[0].Http, run, onFeedAt, console.Token);

            long offered;
            long errors;
            var killedAt = TimeSpan.Zero;
            var backAt = TimeSpan.Zero;
            await using (var steady = new SteadyLoad(load, 20, TimeSpan.FromSeconds(1)))
            {
                steady.Start();

                // Each probe agent, its start spread over the run (so before, during and after the kill): a gate forced
                // three times then closed, an outlet cut off three times.
                var spread = TimeSpan.FromSeconds(seconds * 0.8 / probes.Count);
                var faults = Task.WhenAll(probes.Select(async (p, i) =>
                {
                    await Task.Delay(spread * i);
                    var gate = p.Devices.First(d => d.Value.StartsWith("gate", StringComparison.Ordinal));
                    var charger = p.Devices.First(d => d.Value.StartsWith("charger", StringComparison.Ordinal));
                    forcedAt[p.Agent.Value] = run.Elapsed;
                    for (var n = 0; n < 3; n++)
                    {
                        await p.EventAsync(EventKind.GateForced, gate, CancellationToken.None);
                        await p.EventAsync(EventKind.ChargerCutOff, charger, CancellationToken.None);
                    }

                    await p.EventAsync(EventKind.GateClosed, gate, CancellationToken.None);
                }));

                if (kill)
                {
                    // The last instance dies mid-run and comes back with the same client id (its broker session kept its messages).
                    await Task.Delay(TimeSpan.FromSeconds(seconds / 3.0));
                    killedAt = run.Elapsed;
                    await clouds[^1].KillAsync();
                    await Task.Delay(TimeSpan.FromSeconds(seconds / 6.0));
                    backAt = run.Elapsed;
                    var killed = clouds[^1];
                    clouds[^1] = await RestartAsync(() => CloudProcess.StartAsync(Settings(ids[^1])));
                    await killed.DisposeAsync();
                }

                await faults;
                var rest = TimeSpan.FromSeconds(seconds) - run.Elapsed;
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest);
                }

                await steady.StopAsync();
                offered = steady.Messages * 20;
                errors = steady.Errors;
            }

            // Let every instance finish: readings counted in InfluxDB itself (an instance's own counters start again with it).
            using var influxHttp = new HttpClient { BaseAddress = influx.Url, Timeout = TimeSpan.FromSeconds(10) };
            var deadline = DateTime.UtcNow.AddSeconds(90);
            long stored;
            do
            {
                await Task.Delay(1000);
                stored = await StoredReadingsAsync(influxHttp);
            }
            while (stored < offered && DateTime.UtcNow < deadline);

            // The rules run after storing: wait until every fault has its alert and order, or give up after a while.
            List<IGrouping<string, JsonElement>> alerts, orders;
            int probeAlerts, probeOrders;
            deadline = DateTime.UtcNow.AddSeconds(30);
            do
            {
                await Task.Delay(1000);
                alerts = (await clouds[0].Http.GetFromJsonAsync<JsonElement>(new Uri("/api/alerts?status=all&limit=1000", UriKind.Relative))).EnumerateArray()
                    .Where(x => x.GetProperty("closedAt").ValueKind == JsonValueKind.Null)
                    .GroupBy(x => $"{x.GetProperty("ruleKey").GetString()} {x.GetProperty("agent").GetString()}/{x.GetProperty("device").GetString()}/{x.GetProperty("outlet")}")
                    .ToList();
                orders = (await clouds[0].Http.GetFromJsonAsync<JsonElement>(new Uri("/api/work-orders?open=true&limit=1000", UriKind.Relative))).EnumerateArray()
                    .GroupBy(x => $"{x.GetProperty("fault").GetString()} {x.GetProperty("subject").GetString()}")
                    .ToList();
                probeAlerts = alerts.Count(g => IsProbeFault(g.Key));
                probeOrders = orders.Count(g => IsProbeFault(g.Key));
            }
            while ((probeAlerts < probes.Count * 2 || probeOrders < probes.Count * 2) && DateTime.UtcNow < deadline);

            await console.CancelAsync();
            await feed;
            var pushed = forcedAt.Where(f => onFeedAt.ContainsKey(f.Key)).Select(f => (onFeedAt[f.Key] - f.Value).TotalMilliseconds).Order().ToList();
            var duplicateAlerts = alerts.Sum(g => g.Count() - 1);
            var duplicateOrders = orders.Sum(g => g.Count() - 1);
            var stats = new List<IngestStats>();
            foreach (var cloud in clouds)
            {
                stats.Add(await cloud.StatsAsync());
            }

            Console.WriteLine($"Scale-out, {DateTime.UtcNow:yyyy-MM-dd}, {Machine.Describe()}; {count} cloud instances, shared subscription on real Mosquitto, PostgreSQL and InfluxDB shared; "
                + $"{probes.Count} agents × (3 forced-gate + 3 cut-off events) spread over the run, under {load.Count * 20:N0} readings/s for {seconds} s"
                + (kill ? string.Create(CultureInfo.InvariantCulture, $"; {ids[^1]} killed (SIGKILL) at {killedAt.TotalSeconds:0} s and started again at {backAt.TotalSeconds:0} s.") : "."));
            Console.WriteLine();
            Console.WriteLine($"| {string.Join(" | ", ids.Select(i => $"messages via {i}"))} | readings stored (InfluxDB) | of offered | faults (gate, outlet) | alerts for them | work orders for them | duplicate alerts | duplicate work orders |");
            Console.WriteLine($"|{string.Concat(Enumerable.Repeat("---:|", ids.Count + 7))}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {string.Join(" | ", stats.Select((s, i) => kill && i == stats.Count - 1 ? $"{s.MessagesSinceStart:N0} (since its restart)" : $"{s.MessagesSinceStart:N0}"))} | {stored:N0} | {offered:N0} | {probes.Count * 2} | {probeAlerts} | {probeOrders} | {duplicateAlerts} | {duplicateOrders} |"));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Forced gates on cloud-a's live feed (a console there; {count - 1} of {count} raised elsewhere on average): {pushed.Count} of {probes.Count}, publish → live push p50 {Percentile(pushed, 0.5):0.0} ms, max {(pushed.Count > 0 ? pushed[^1] : 0):0.0} ms."));
            foreach (var agent in load.Concat(probes))
            {
                await agent.DisposeAsync();
            }

            var split = stats.All(s => s.MessagesSinceStart > 0);
            return duplicateAlerts == 0 && duplicateOrders == 0 && split && errors == 0 && probeAlerts == probes.Count * 2 && probeOrders == probes.Count * 2
                && stored == offered ? 0 : 1;
        }
        finally
        {
            // Also when the run fails: no cloud process outlives the bench.
            foreach (var cloud in clouds)
            {
                await cloud.DisposeAsync();
            }
        }
    }

    // A free port picked for the web API can be taken (by a client's ephemeral port) before the cloud binds it, which
    // happened once here: the process exits, and is started again on another port.
    private static async Task<CloudProcess> RestartAsync(Func<Task<CloudProcess>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.StartsWith("the cloud exited", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"restart attempt {attempt} failed (see its cloud.log); again on another port");
            }
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

    // Reads /api/live as a console would and notes when each agent's forced-gate alert was first pushed.
    private static async Task WatchFeedAsync(HttpClient http, System.Diagnostics.Stopwatch run, System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan> seen, CancellationToken stop)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/api/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, stop);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                var change = JsonSerializer.Deserialize<JsonElement>(line["data: ".Length..]);
                if (change.GetProperty("kind").GetString() == "raised" && change.GetProperty("data").TryGetProperty("ruleKey", out var rule) && rule.GetString() == "gate-forced")
                {
                    seen.TryAdd(change.GetProperty("data").GetProperty("agent").GetString()!, run.Elapsed);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            Console.Error.WriteLine($"the live feed ended early: {e.Message}");
        }
    }

    private static bool IsProbeFault(string key) =>
        key.StartsWith("gate-forced", StringComparison.Ordinal) || key.StartsWith("charger-cut-off", StringComparison.Ordinal);

    // Every raw reading the instances wrote, counted by InfluxDB (a reading written twice is one point).
    private static async Task<long> StoredReadingsAsync(HttpClient influx)
    {
        var q = Uri.EscapeDataString("SELECT count(\"value\") FROM \"raw\".\"reading\"");
        var answer = await influx.GetFromJsonAsync<JsonElement>(new Uri($"/query?db=estate&q={q}", UriKind.Relative));
        var result = answer.GetProperty("results")[0];
        return result.TryGetProperty("series", out var series) ? series[0].GetProperty("values")[0][1].GetInt64() : 0;
    }
}
