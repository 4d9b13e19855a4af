using System.Diagnostics;
using System.Globalization;
using Iot.Cloud.TimeSeries;
using Iot.Cloud.TimeSeries.Influx;
using Iot.Cloud.TimeSeries.Sqlite;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Testing.Services;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

// Usage: dotnet run -c Release --project bench/TimeSeries.Bench [readings] [--batch 500] [--influx http://host:8086]
//        [--influx-only] [--influx-batch 5000] [--writes-in-flight 4] [--no-gzip]
// Writes the same readings, in batches of 500 (or --batch: ingest hands the store up to 50,000 at once), into a temporary
// SQLite file and into InfluxDB (a throwaway influxd on loopback unless --influx is given), and prints readings/s per
// backend, this process's CPU and allocations, and the local influxd's CPU. Each backend stops after 60 s at the latest.
var limit = TimeSpan.FromSeconds(60);
var count = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 200_000;
var influxArg = Array.IndexOf(args, "--influx") is var i and >= 0 && i + 1 < args.Length ? new Uri(args[i + 1]) : null;
var batchSize = IntOption("--batch", 500);

var readings = Readings(count);
var batches = readings.Chunk(batchSize).ToArray();
var warmUp = Readings(Math.Min(batchSize * 10, 50_000), TimeSpan.FromDays(2)).Chunk(batchSize).ToArray();
using var services = new ServiceCollection().AddMetrics().AddSingleton<TimeSeriesMetrics>().BuildServiceProvider();
var metrics = services.GetRequiredService<TimeSeriesMetrics>();

Console.WriteLine($"{count:N0} readings of {readings.Select(r => (r.Agent, r.Sensor)).Distinct().Count():N0} sensors, batches of {batchSize}, {Environment.ProcessorCount} cores");
Console.WriteLine();
Console.WriteLine("| backend | readings | seconds | readings/s | bench process CPU s | readings per CPU s | influxd CPU s | bytes allocated per reading | gen0 GCs |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");

var folder = Directory.CreateTempSubdirectory("iot-ts-bench-").FullName;
try
{
    if (!args.Contains("--influx-only"))
    {
        var sqliteOptions = new TimeSeriesOptions { SqlitePath = Path.Combine(folder, "timeseries.db") };
        using var sqlite = new SqliteTimeSeriesStore(sqliteOptions, metrics, NullLogger<SqliteTimeSeriesStore>.Instance);
        await RunAsync("SQLite (WAL, synchronous=FULL)", sqlite, null);
    }

    await using var server = influxArg is null ? await InfluxServer.StartAsync() : null;
    // Settings given as configuration keys, as the cloud reads them (a key this build does not know is ignored).
    var settings = new Dictionary<string, string?>
    {
        ["Url"] = (influxArg ?? server!.Url).ToString(),
        ["Database"] = $"bench_{Environment.ProcessId}",
        ["WritesInFlight"] = Option("--writes-in-flight"),
        ["BatchSize"] = Option("--influx-batch"),
        ["Gzip"] = args.Contains("--no-gzip") ? "false" : null,
    };
    var influxOptions = new TimeSeriesOptions { Backend = TimeSeriesBackend.Influx };
    new ConfigurationBuilder().AddInMemoryCollection(settings.Where(s => s.Value is not null)).Build().Bind(influxOptions.Influx);
    using var influx = new InfluxTimeSeriesStore(influxOptions, TimeProvider.System, metrics, NullLogger<InfluxTimeSeriesStore>.Instance);
    var given = string.Join(", ", settings.Skip(2).Where(s => s.Value is not null).Select(s => $"{s.Key}={s.Value}"));
    await RunAsync($"InfluxDB {(influxArg is null ? "1.6.7 (local influxd)" : influxArg.ToString())}{(given.Length > 0 ? $" ({given})" : string.Empty)}", influx, server?.Pid);

    // influxd's own counters (warm-up included): it counts request bytes after gunzip, so this is the line protocol's size.
    using var http = new HttpClient { BaseAddress = influxArg ?? server!.Url };
    using var query = new FormUrlEncodedContent([new("q", "SHOW STATS FOR 'httpd'")]);
    using var stats = System.Text.Json.JsonDocument.Parse(await (await http.PostAsync(new Uri("/query", UriKind.Relative), query)).Content.ReadAsStringAsync());
    var httpd = stats.RootElement.GetProperty("results")[0].GetProperty("series")[0];
    var columns = httpd.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList();
    double Stat(string column) => httpd.GetProperty("values")[0][columns.IndexOf(column)].GetDouble();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\ninfluxd: {Stat("pointsWrittenOK"):N0} points in {Stat("writeReq"):N0} write requests, {Stat("writeReqBytes") / Stat("pointsWrittenOK"):F1} bytes of line protocol per point"));
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

async Task RunAsync(string name, ITimeSeriesStore store, int? serverPid)
{
    using var stop = new CancellationTokenSource(limit);
    await store.InitializeAsync(stop.Token);

    // Warm-up (JIT, connection pools, series rows) with readings of two days earlier, not counted.
    foreach (var batch in warmUp)
    {
        await store.WriteAsync(batch, stop.Token);
    }
    var written = 0;
    var serverCpu = CpuSeconds(serverPid);
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var gen0 = GC.CollectionCount(0);
    var cpu = Environment.CpuUsage.TotalTime;
    var clock = Stopwatch.StartNew();
    try
    {
        foreach (var batch in batches)
        {
            await store.WriteAsync(batch, stop.Token);
            written += batch.Length;
        }
    }
    catch (OperationCanceledException)
    {
        // The time limit: report what was written until then.
    }

    var seconds = clock.Elapsed.TotalSeconds;

    // CPU time of this process only (influxd's own work is not in it); it holds up better than wall time on a busy machine.
    var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
    var perReading = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)written;
    var server = serverPid is null ? "–" : string.Create(CultureInfo.InvariantCulture, $"{CpuSeconds(serverPid) - serverCpu:F1}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {written:N0} | {seconds:F1} | {written / seconds:N0} | {cpuSeconds:F1} | {written / cpuSeconds:N0} | {server} | {perReading:N0} | {GC.CollectionCount(0) - gen0} |"));
}

string? Option(string name) => Array.IndexOf(args, name) is var k and >= 0 && k + 1 < args.Length ? args[k + 1] : null;

int IntOption(string name, int fallback) => Option(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

// CPU seconds used so far by the local influxd (on the same cores as this process).
static double CpuSeconds(int? pid)
{
    if (pid is null)
    {
        return 0;
    }

    using var process = Process.GetProcessById(pid.Value);
    return process.TotalProcessorTime.TotalSeconds;
}

// 50 courtyards x 4 agents x 10 sensors, one reading per sensor per second, ending a minute ago.
static List<StoredReading> Readings(int count, TimeSpan? earlier = null)
{
    var sensors = (
        from c in Enumerable.Range(1, 50)
        from a in Enumerable.Range(1, 4)
        from s in Enumerable.Range(1, 10)
        select (Courtyard: CourtyardId.Parse($"yikang-{c}"), Agent: AgentId.Parse($"yikang-{c}-{(char)('a' + a - 1)}"), Sensor: SensorId.Parse($"lamp-{s:00}.current"))).ToArray();
    var start = DateTimeOffset.UtcNow.AddMinutes(-1).AddSeconds(-(count / sensors.Length) - 1) - (earlier ?? TimeSpan.Zero);
    return [.. Enumerable.Range(0, count).Select(k =>
    {
        var (courtyard, agent, sensor) = sensors[k % sensors.Length];
        return new StoredReading(courtyard, agent, sensor, Quantity.Current, (k % 1000) / 100.0, start.AddSeconds(k / sensors.Length));
    })];
}
