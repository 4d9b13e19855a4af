using System.Diagnostics;
using System.Globalization;
using Iot.Bench.Support;
using Iot.Testing.Services;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Bench.Ingest;

/// <summary>
/// Ingest throughput through real Mosquitto on loopback. In one run: the raw broker rate (a plain subscriber
/// receiving the stream: the ceiling), then the cloud validating, deduplicating and storing the same stream
/// into SQLite, then into InfluxDB. Prints one markdown row per path; exits non-zero if anything was lost.
/// </summary>
public static class IngestBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var agents = IntOption(args, "--agents", 50);
        var messages = IntOption(args, "--messages-per-agent", 80);
        var perMessage = IntOption(args, "--readings-per-message", 50);
        var inFlight = IntOption(args, "--in-flight", 8);
        var skipInflux = args.Contains("--no-influx");

        var load = TelemetryLoad.Build(agents, messages, perMessage);
        Console.Error.WriteLine($"ingest: {load.Agents.Count} agents × {messages} messages × {perMessage} readings = {load.Readings:N0} readings");
        var rows = new List<Row>();
        var valid = true;

        await using (var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { ExtraConfig = "max_queued_messages 1000000\nmax_inflight_messages 1000" }))
        {
            var raw = await RawBrokerAsync(load, broker.Port, inFlight);
            rows.Add(raw);
            var sqlite = await CloudAsync("cloud → SQLite", load, broker.Port, inFlight, new Dictionary<string, string> { ["TimeSeries:Backend"] = "Sqlite" });
            rows.Add(sqlite);
            valid &= sqlite.Complete;
        }

        if (!skipInflux)
        {
            await using var influx = await InfluxServer.StartAsync();
            await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { ExtraConfig = "max_queued_messages 1000000\nmax_inflight_messages 1000" });
            var row = await CloudAsync("cloud → InfluxDB", load, broker.Port, inFlight, new Dictionary<string, string>
            {
                ["TimeSeries:Backend"] = "Influx",
                ["TimeSeries:Influx:Url"] = influx.Url.ToString(),
            }, influx.Pid);
            rows.Add(row);
            valid &= row.Complete;
        }

        Print(rows, load);
        return valid ? 0 : 1;
    }

    private static async Task<Row> RawBrokerAsync(TelemetryLoad load, int port, int inFlight)
    {
        var received = 0;
        using var done = new SemaphoreSlim(0);
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            if (Interlocked.Increment(ref received) == load.Messages)
            {
                done.Release();
            }

            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("bench-raw").Build());
        await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic("estate/v1/+/+/+/telemetry").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());

        var clock = Stopwatch.StartNew();
        await Publishers.PublishAsync(load, port, inFlight, CancellationToken.None);
        var complete = await done.WaitAsync(TimeSpan.FromMinutes(2));
        var elapsed = clock.Elapsed;
        await subscriber.DisconnectAsync();
        return new Row("raw broker (plain subscriber)", received * (long)load.ReadingsPerMessage, received, elapsed, null, complete);
    }

    /// <param name="storePid">A store server on the same machine (influxd): its CPU in the phase is printed beside the cloud's.</param>
    private static async Task<Row> CloudAsync(string path, TelemetryLoad load, int port, int inFlight, Dictionary<string, string> settings, int? storePid = null)
    {
        settings["Broker:Mode"] = "External";
        settings["Broker:Port"] = port.ToString(CultureInfo.InvariantCulture);
        settings["Broker:SharedGroup"] = "bench";
        await using var cloud = await CloudProcess.StartAsync(settings);
        var cpuBefore = cloud.CpuTime;
        var storeCpuBefore = Machine.ProcessCpu(storePid);
        var clock = Stopwatch.StartNew();
        await Publishers.PublishAsync(load, port, inFlight, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        IngestStats stats;
        do
        {
            stats = await cloud.StatsAsync();
            if (stats.ReadingsSinceStart >= load.Readings || stats.StoreFailing)
            {
                break;
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);

        var elapsed = clock.Elapsed;
        var cpu = (cloud.CpuTime - cpuBefore) / elapsed / Environment.ProcessorCount;
        Console.Error.WriteLine($"{path}: {await BatchFiguresAsync(cloud)}");
        if (storePid is not null)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: the store server (pid {storePid}) used {(Machine.ProcessCpu(storePid) - storeCpuBefore).TotalSeconds:F1} CPU s in the phase's {elapsed.TotalSeconds:F1} s, the cloud {(cloud.CpuTime - cpuBefore).TotalSeconds:F1} CPU s"));
        }
        var complete = stats.ReadingsSinceStart == load.Readings && stats.RejectedSinceStart == 0 && stats.DuplicatesSinceStart == 0;
        if (!complete)
        {
            Console.Error.WriteLine($"{path}: stored {stats.ReadingsSinceStart} of {load.Readings}, rejected {stats.RejectedSinceStart}, duplicates {stats.DuplicatesSinceStart}, store error {stats.StoreError}");
        }

        return new Row(path, stats.ReadingsSinceStart, stats.MessagesSinceStart, elapsed, cpu, complete);
    }

    // Where the time went, from the cloud's own metrics: batches, their size and duration.
    private static async Task<string> BatchFiguresAsync(CloudProcess cloud)
    {
        var metrics = await cloud.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        // Lines look like: name{labels} value. The _sum and _count series of a histogram have one line each.
        double Value(string name) => metrics.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).FirstOrDefault();
        var batches = Value("iot_ingest_batch_messages_count");
        return string.Create(CultureInfo.InvariantCulture,
            $"{batches} batches, {Value("iot_ingest_batch_messages_sum") / batches:0} messages and {Value("iot_ingest_batch_duration_seconds_sum") / batches * 1000:0} ms each on average, of which {Value("iot_timeseries_write_duration_seconds_sum") / batches * 1000:0} ms writing the time series");
    }

    private static void Print(List<Row> rows, TelemetryLoad load)
    {
        var raw = rows[0];
        Console.WriteLine($"Ingest throughput, {DateTime.UtcNow:yyyy-MM-dd}, {Machine.Describe()}; {load.Agents.Count} publishing agents, {load.ReadingsPerMessage} readings per message, QoS 1, real Mosquitto on loopback.");
        Console.WriteLine();
        Console.WriteLine("| path | readings | messages | seconds | readings/s | messages/s | of raw broker rate | cloud CPU (of machine) | complete |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in rows)
        {
            var ratio = r.MessagesPerSecond / raw.MessagesPerSecond;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Path} | {r.Readings:N0} | {r.Messages:N0} | {r.Elapsed.TotalSeconds:0.00} | {r.ReadingsPerSecond:N0} | {r.MessagesPerSecond:N0} | {ratio:P0} | {(r.CloudCpu is { } c ? c.ToString("P0", CultureInfo.InvariantCulture) : "–")} | {(r.Complete ? "yes" : "NO")} |"));
        }
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Row(string Path, long Readings, long Messages, TimeSpan Elapsed, double? CloudCpu, bool Complete)
    {
        public double ReadingsPerSecond => Readings / Elapsed.TotalSeconds;

        public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;
    }
}
