using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Bench.Load;
using Iot.Bench.Support;
using Iot.Testing.Services;
using MQTTnet;

namespace Iot.Bench.Scale;

/// <summary>
/// City scale: thousands of courtyard agents connected at once (one MQTT client each), each sending a realistic
/// telemetry batch every few seconds, for minutes. Reports the cloud's CPU and memory, the broker's connections,
/// what was offered and stored, and rejects (zero expected).
/// </summary>
public static class CityScaleBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var agents = Options.Number(args, "--agents", 2000);
        var seconds = Options.Number(args, "--seconds", 120);
        var readings = Options.Number(args, "--readings-per-message", 24);
        var interval = TimeSpan.FromSeconds(Options.Number(args, "--interval-seconds", 5));

        var siteFolder = SyntheticSite.Write(agents);
        var site = SiteAgents.Read(siteFolder);
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { ExtraConfig = "max_queued_messages 1000000\nmax_inflight_messages 1000\nsys_interval 1" });
        await using var cloud = await CloudProcess.StartAsync(new Dictionary<string, string>
        {
            ["Broker:Mode"] = "External",
            ["Broker:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Sites:Folder"] = siteFolder,
        });

        var publishers = SiteAgents.Publishers(site, 0, agents);
        var connecting = Stopwatch.StartNew();
        foreach (var chunk in publishers.Chunk(100))
        {
            await Task.WhenAll(chunk.Select(p => p.ConnectAsync(broker.Port, CancellationToken.None)));
        }

        await Task.WhenAll(publishers.Select(p => p.StatusAsync(CancellationToken.None)));
        var connectTime = connecting.Elapsed;
        var connections = await BrokerConnectionsAsync(broker.Port);

        // Each agent says it is online as it connects: let the cloud store those statuses first, or on a loaded machine the
        // window's CPU is spent on them and counted against the telemetry (up to two minutes; the queue's depth is sampled).
        var settling = Stopwatch.StartNew();
        while (settling.Elapsed < TimeSpan.FromMinutes(2) && (await TryStatsAsync(cloud))?.QueueDepth is not 0)
        {
            await Task.Delay(500);
        }

        var settleTime = settling.Elapsed;
        var cpuBefore = cloud.CpuTime;
        var storedBefore = (await cloud.StatsAsync()).ReadingsSinceStart;
        var selfBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long peakRss = 0;
        var peakQueue = 0;
        var clock = Stopwatch.StartNew();
        await using (var load = new SteadyLoad(publishers, readings, interval))
        {
            load.Start();
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                peakRss = Math.Max(peakRss, cloud.ResidentBytes);

                // A cloud that falls behind holds the backlog in memory and is paced by backpressure: say so. On a loaded
                // machine a sample can time out; the run goes on without it.
                if (await TryStatsAsync(cloud) is { } sample)
                {
                    peakQueue = Math.Max(peakQueue, sample.QueueDepth);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0}s queue {sample.QueueDepth} stored {sample.ReadingsSinceStart - storedBefore:N0} duplicates {sample.DuplicatesSinceStart} rss {cloud.ResidentBytes / 1024 / 1024} MiB"));
                }

                await Task.Delay(1000);
            }

            var elapsed = clock.Elapsed;
            var storedInWindow = (await TryStatsAsync(cloud) ?? await TryStatsAsync(cloud) ?? await TryStatsAsync(cloud) ?? await cloud.StatsAsync()).ReadingsSinceStart;
            var cloudCpuTime = cloud.CpuTime - cpuBefore;
            var cloudCpu = cloudCpuTime / elapsed / Environment.ProcessorCount;

            // The cost of a message, whether or not the cloud kept up: on a shared machine it may not get the CPU it wants.
            var perMessage = cloudCpuTime.TotalMicroseconds / Math.Max(1, (storedInWindow - storedBefore) / readings);
            var selfCpu = (Process.GetCurrentProcess().TotalProcessorTime - selfBefore) / elapsed / Environment.ProcessorCount;
            await load.StopAsync();

            // Counted once stopped: a publish in flight at the end is offered too, and the cloud stores it.
            var offered = load.Messages * readings;
            var errors = load.Errors;

            // Let the cloud finish what was published, then count.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            IngestStats stats;
            IngestStats? last = null;
            do
            {
                last = await TryStatsAsync(cloud) ?? last;
                await Task.Delay(500);
            }
            while ((last is null || last.ReadingsSinceStart < offered) && DateTime.UtcNow < deadline);
            stats = last ?? await cloud.StatsAsync();

            var online = -1;
            for (var attempt = 0; attempt < 5 && online < 0; attempt++)
            {
                try
                {
                    online = (await cloud.Http.GetFromJsonAsync<JsonElement>(new Uri("/api/agents?state=online", UriKind.Relative))).GetArrayLength();
                }
                catch (Exception e) when (e is TaskCanceledException or HttpRequestException)
                {
                    // A cloud still working off its backlog on a loaded machine: ask again.
                }
            }

            Console.WriteLine($"City scale, {DateTime.UtcNow:yyyy-MM-dd}, {Machine.Describe()}; real Mosquitto on loopback, cloud on SQLite; {agents} agents × one batch of {readings} readings every {interval.TotalSeconds:0} s for {seconds} s; the connect-time statuses stored in {settleTime.TotalSeconds:0} s before the window.");
            Console.WriteLine();
            Console.WriteLine("| agents connected (broker) | agents online (cloud) | connect time | offered readings/s | readings stored | rejected | publish errors | cloud CPU (of machine) | cloud RSS peak | load driver CPU | ingest queue peak | stored by the window's end | cloud CPU per message stored | duplicates (redelivered) | broker RSS peak |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {connections} | {online} | {connectTime.TotalSeconds:0.0} s | {offered / elapsed.TotalSeconds:N0} | {stats.ReadingsSinceStart:N0} of {offered:N0} | {stats.RejectedSinceStart} | {errors} | {cloudCpu:P0} | {peakRss / 1024.0 / 1024:N0} MiB | {selfCpu:P0} | {peakQueue:N0} messages | {(double)storedInWindow / offered:P0} | {perMessage:N0} µs | {stats.DuplicatesSinceStart:N0} | {PeakResidentMiB(broker.Pid)} |"));
            foreach (var p in publishers)
            {
                await p.DisposeAsync();
            }

            Directory.Delete(siteFolder, recursive: true);
            return stats.ReadingsSinceStart == offered && stats.RejectedSinceStart == 0 && errors == 0 && online == agents ? 0 : 1;
        }
    }

    // The kernel's high-water mark of a process's resident memory (a cloud that falls behind leaves the backlog with the broker).
    private static string PeakResidentMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? "?" : string.Create(CultureInfo.InvariantCulture, $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0:N0} MiB");
    }

    private static async Task<IngestStats?> TryStatsAsync(CloudProcess cloud)
    {
        try
        {
            return await cloud.StatsAsync();
        }
        catch (Exception e) when (e is TaskCanceledException or HttpRequestException)
        {
            return null;
        }
    }

    // The broker's own count, from its $SYS tree: the first (retained) value predates this client, so take the next one, less this client.
    private static async Task<long> BrokerConnectionsAsync(int port)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var value = new TaskCompletionSource<long>();
        var seen = 0;
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (++seen == 2)
            {
                value.TrySetResult(long.Parse(e.ApplicationMessage.ConvertPayloadToString(), CultureInfo.InvariantCulture));
            }

            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("bench-sys").Build());
        await client.SubscribeAsync("$SYS/broker/clients/connected");
        var result = await value.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await client.DisconnectAsync();
        return result - 1;
    }
}
