using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Bench.Load;
using Iot.Bench.Support;
using Iot.Protocol.Messages;
using Iot.Testing.Services;

namespace Iot.Bench.Scale;

/// <summary>
/// Scale-out: two cloud instances on one Mosquitto with a shared subscription, sharing PostgreSQL and InfluxDB,
/// split the load; repeated fault events from many agents, spread over both, must give exactly one alert and one
/// work order per fault.
/// </summary>
public static class ScaleOutBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Options.Number(args, "--seconds", 60);
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

        await using var a = await CloudProcess.StartAsync(Settings("cloud-a"));
        await using var b = await CloudProcess.StartAsync(Settings("cloud-b"));

        var load = SiteAgents.Publishers(site, 0, 60);
        var probes = SiteAgents.Publishers(site, 60, 40).Where(p => p.Devices.Any(d => d.Value.StartsWith("charger", StringComparison.Ordinal))).Take(20).ToList();
        foreach (var agent in load.Concat(probes))
        {
            await agent.ConnectAsync(broker.Port, CancellationToken.None);
        }

        long offered;
        long errors;
        await using (var steady = new SteadyLoad(load, 20, TimeSpan.FromSeconds(1)))
        {
            steady.Start();

            // Each probe agent: a gate forced three times then closed, an outlet cut off twice.
            await Task.WhenAll(probes.Select(async p =>
            {
                var gate = p.Devices.First(d => d.Value.StartsWith("gate", StringComparison.Ordinal));
                var charger = p.Devices.First(d => d.Value.StartsWith("charger", StringComparison.Ordinal));
                for (var i = 0; i < 3; i++)
                {
                    await p.EventAsync(EventKind.GateForced, gate, CancellationToken.None);
                    await p.EventAsync(EventKind.ChargerCutOff, charger, CancellationToken.None);
                }

                await p.EventAsync(EventKind.GateClosed, gate, CancellationToken.None);
            }));

            await Task.Delay(TimeSpan.FromSeconds(seconds));
            await steady.StopAsync();
            offered = steady.Messages * 20;
            errors = steady.Errors;
        }

        // Let both instances finish, then count.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        IngestStats sa, sb;
        do
        {
            await Task.Delay(1000);
            (sa, sb) = (await a.StatsAsync(), await b.StatsAsync());
        }
        while (sa.ReadingsSinceStart + sb.ReadingsSinceStart < offered && DateTime.UtcNow < deadline);

        // The rules run after storing: give them a moment to settle too.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var alerts = (await a.Http.GetFromJsonAsync<JsonElement>(new Uri("/api/alerts?status=all&limit=1000", UriKind.Relative))).EnumerateArray()
            .Where(x => x.GetProperty("closedAt").ValueKind == JsonValueKind.Null)
            .GroupBy(x => $"{x.GetProperty("ruleKey").GetString()} {x.GetProperty("agent").GetString()}/{x.GetProperty("device").GetString()}/{x.GetProperty("outlet")}")
            .ToList();
        var orders = (await a.Http.GetFromJsonAsync<JsonElement>(new Uri("/api/work-orders?open=true&limit=1000", UriKind.Relative))).EnumerateArray()
            .GroupBy(x => $"{x.GetProperty("fault").GetString()} {x.GetProperty("subject").GetString()}")
            .ToList();
        var duplicateAlerts = alerts.Sum(g => g.Count() - 1);
        var duplicateOrders = orders.Sum(g => g.Count() - 1);
        var probeAlerts = alerts.Count(g => g.Key.StartsWith("gate-forced", StringComparison.Ordinal) || g.Key.StartsWith("charger-cut-off", StringComparison.Ordinal));
        var probeOrders = orders.Count(g => g.Key.StartsWith("gate-forced", StringComparison.Ordinal) || g.Key.StartsWith("charger-cut-off", StringComparison.Ordinal));

        Console.WriteLine($"Scale-out, {DateTime.UtcNow:yyyy-MM-dd}, {Machine.Describe()}; two cloud instances, shared subscription on real Mosquitto, PostgreSQL and InfluxDB shared; {probes.Count} agents × (3 forced-gate + 3 cut-off events) under {load.Count * 20:N0} readings/s for {seconds} s.");
        Console.WriteLine();
        Console.WriteLine("| messages via instance A | via instance B | readings stored | of offered | faults (gate, outlet) | alerts for them | work orders for them | duplicate alerts | duplicate work orders |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {sa.MessagesSinceStart:N0} | {sb.MessagesSinceStart:N0} | {sa.ReadingsSinceStart + sb.ReadingsSinceStart:N0} | {offered:N0} | {probes.Count * 2} | {probeAlerts} | {probeOrders} | {duplicateAlerts} | {duplicateOrders} |"));
        foreach (var agent in load.Concat(probes))
        {
            await agent.DisposeAsync();
        }

        var split = sa.MessagesSinceStart > 0 && sb.MessagesSinceStart > 0;
        return duplicateAlerts == 0 && duplicateOrders == 0 && split && errors == 0 && probeAlerts == probes.Count * 2 && probeOrders == probes.Count * 2
            && sa.ReadingsSinceStart + sb.ReadingsSinceStart == offered ? 0 : 1;
    }
}
