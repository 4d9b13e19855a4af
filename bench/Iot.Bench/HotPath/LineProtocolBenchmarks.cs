using System.Buffers;
using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using Iot.Cloud.TimeSeries;
using Iot.Cloud.TimeSeries.Influx;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Bench.HotPath;

/// <summary>
/// One InfluxDB write part of 5,000 readings turned into its body, without I/O: as the store did before issue 16
/// (InfluxDB.Client's PointData per reading, one string), as it does now (UTF-8 into a reused buffer), and now with
/// the gzip the store sends. Divide by 5,000 for a reading.
/// </summary>
[MemoryDiagnoser]
public class LineProtocolBenchmarks : IDisposable
{
    private const int Part = 5_000;
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly MemoryStream _gzipped = new();
    private StoredReading[] _readings = [];

    /// <summary>Runs in-process, as <see cref="HotPathBenchmarks"/> does.</summary>
    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        var summary = BenchmarkRunner.Run<LineProtocolBenchmarks>(config, args);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        _readings = [.. Enumerable.Range(0, Part).Select(k =>
        {
            var courtyard = (k % 2_000 / 40) + 1;
            return new StoredReading(
                CourtyardId.Parse($"yikang-{courtyard}"),
                AgentId.Parse($"yikang-{courtyard}-{(char)('a' + (k / 10 % 4))}"),
                SensorId.Parse($"lamp-{(k % 10) + 1:00}.current"),
                Quantity.Current,
                k % 1_000 / 100.0,
                at.AddSeconds(k / 2_000));
        })];
    }

    public void Dispose()
    {
        _gzipped.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "before: PointData per reading, one string")]
    public int PointDataString()
    {
        var body = new StringBuilder(Part * 160);
        foreach (var r in _readings)
        {
            body.Append(PointData.Builder.Measurement(LineProtocol.Measurement)
                .Tag("courtyard", r.Courtyard.Value).Tag("agent", r.Agent.Value).Tag("device", r.Sensor.Device.Value)
                .Tag("sensor", r.Sensor.Value).Tag("quantity", WireNames.Of(r.Quantity))
                .Field("value", r.Value).Timestamp(TimeAlignment.ToMs(r.At), WritePrecision.Ms)
                .ToPointData().ToLineProtocol()).Append('\n');
        }

        return body.ToString().Length;
    }

    [Benchmark(Description = "now: UTF-8 into a reused buffer")]
    public int Utf8()
    {
        _buffer.ResetWrittenCount();
        LineProtocol.Write(_readings, 0, Part, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "now, gzipped (as sent)")]
    public long Utf8Gzipped()
    {
        _buffer.ResetWrittenCount();
        LineProtocol.Write(_readings, 0, Part, _buffer);
        _gzipped.SetLength(0);
        using (var zip = new GZipStream(_gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(_buffer.WrittenSpan);
        }

        return _gzipped.Length;
    }
}
