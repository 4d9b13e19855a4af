using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Iot.Cloud.Ingest;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Protocol.Validation;

namespace Iot.Bench.HotPath;

/// <summary>
/// The per-message work of ingest, without I/O: parse and validate a telemetry batch of 50 readings, the same with
/// the topic (what the receiving thread does), and the dedupe window. Reported per message; divide by 50 for a reading.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private const string Topic = "estate/v1/yongchang/yikang-1/yikang-1-a/telemetry";
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private byte[] _payload = [];
    private SequenceWindow _window = new();
    private long _seq;

    /// <summary>Runs in-process (the bench's assembly is named iot-bench, which BenchmarkDotNet's project generator cannot find).</summary>
    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        var summary = BenchmarkRunner.Run<HotPathBenchmarks>(config, args);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var readings = Enumerable.Range(0, 50)
            .Select(i => new Reading(SensorId.Parse($"lamp-{i % 4 + 1:00}.current"), Quantity.Current, 0.3 + (i * 0.01), At: at.AddMilliseconds(i * 100)))
            .ToArray();
        _payload = ProtocolJson.Serialize(new TelemetryBatch(ProtocolVersion.Current, AgentId.Parse("yikang-1-a"), BootId.Parse("5f0c2a9e41d7b3c8"), 42, readings));
    }

    [Benchmark(Description = "read + validate a 50-reading batch")]
    public object ReadTelemetry() => MessageReader.ReadTelemetry(_payload, _now);

    [Benchmark(Description = "topic + read + validate (receiving thread)")]
    public object Check() => MessageCheck.Of(Topic, _payload, _now);

    [Benchmark(Description = "dedupe: observe the next seq")]
    public SeqVerdict Observe()
    {
        if (_seq > 1_000_000)
        {
            _window = new SequenceWindow();
            _seq = 0;
        }

        return _window.Observe(++_seq);
    }

    [Benchmark(Description = "dedupe: observe a duplicate")]
    public SeqVerdict ObserveDuplicate() => _window.Observe(1);
}
