using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Iot.Cloud.TimeSeries;

/// <summary>The time-series meter: what was written, in how many batches, how often a write was retried, and how long writes took.</summary>
public sealed class TimeSeriesMetrics
{
    /// <summary>The meter's name, for exporters (Prometheus, dotnet-counters).</summary>
    public const string MeterName = "Iot.Cloud.TimeSeries";

    private readonly Counter<long> _readings;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _latency;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public TimeSeriesMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _readings = meter.CreateCounter<long>("iot.timeseries.readings_written", "{reading}", "Readings newly stored (re-writes not counted on SQLite; Influx counts every accepted point).");
        _batches = meter.CreateCounter<long>("iot.timeseries.write_batches", "{batch}", "Write batches stored.");
        _retries = meter.CreateCounter<long>("iot.timeseries.write_retries", "{retry}", "Write attempts that failed transiently and were retried.");
        _latency = meter.CreateHistogram<double>("iot.timeseries.write_duration", "s", "Time from WriteAsync's start to the batch being durable, retries included.");
    }

    internal void Written(string backend, long readings, long startTimestamp)
    {
        var tag = new KeyValuePair<string, object?>("backend", backend);
        _readings.Add(readings, tag);
        _batches.Add(1, tag);
        _latency.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tag);
    }

    internal void Retried(string backend) => _retries.Add(1, new KeyValuePair<string, object?>("backend", backend));
}
