using Iot.Bench.Hostile;
using Iot.Bench.HotPath;
using Iot.Bench.Ingest;
using Iot.Bench.Latency;
using Iot.Bench.Notify;
using Iot.Bench.Scale;

// One verb per figure; each prints markdown rows and exits non-zero when the run was invalid. See bench/README.md.
return args.FirstOrDefault() switch
{
    "ingest" => await IngestBenchmark.RunAsync(args[1..]),
    "hotpath" => HotPathBenchmarks.Run(args[1..]),
    "linewrite" => LineProtocolBenchmarks.Run(args[1..]),
    "latency" => await AlertLatencyBenchmark.RunAsync(args[1..]),
    "notify" => await NotifyLatencyBenchmark.RunAsync(args[1..]),
    "city" => await CityScaleBenchmark.RunAsync(args[1..]),
    "scaleout" => await ScaleOutBenchmark.RunAsync(args[1..]),
    "hostile" => await HostileBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project bench/Iot.Bench -- <figure> [options]

          hotpath [BenchmarkDotNet options, e.g. --job short]
                 parse + validate + dedupe per message (BenchmarkDotNet)
          linewrite [BenchmarkDotNet options]
                 one 5,000-reading InfluxDB write body: before (PointData), now, now gzipped (BenchmarkDotNet)
          ingest [--agents 50] [--messages-per-agent 80] [--readings-per-message 50] [--in-flight 8] [--no-influx]
                 readings/s through real Mosquitto: raw broker ceiling, cloud into SQLite, cloud into InfluxDB
          latency [--rates 1000,5000] [--probes 100]
                 publish-to-alert latency (live push and API) under background telemetry
          notify [--rate 200] [--seconds 20] [--channels 20]
                 outbox commit to message at the channel's endpoint (signed webhook), one channel dead all the while
          city [--agents 2000] [--seconds 120] [--readings-per-message 24] [--interval-seconds 5]
                 thousands of agents connected at once: cloud CPU and memory, broker connections, rejects
          scaleout [--seconds 60]
                 two cloud instances with a shared subscription: the split, and no duplicate alert or work order
          hostile [--agents 50] [--messages-per-agent 80] [--readings-per-message 50] [--hostile 10000] [--rounds 3] [--hostile-clients 50] [--flood]
                 valid telemetry readings/s alone, then with the hostile corpus sent alongside: ratio, dead letters, crashes;
                 --flood: the corpus is one agent's valid flood, a new boot and a new sensor in every message
        """);
    return 2;
}
