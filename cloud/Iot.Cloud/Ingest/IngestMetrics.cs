using System.Diagnostics.Metrics;

namespace Iot.Cloud.Ingest;

/// <summary>The ingest pipeline's figures, exported at /metrics (meter <c>Iot.Cloud.Ingest</c>).</summary>
public sealed class IngestMetrics : IDisposable
{
    public const string MeterName = "Iot.Cloud.Ingest";

    private readonly Meter _meter;

    public IngestMetrics(IMeterFactory meters, IngestInbox inbox)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(MeterName);
        Messages = _meter.CreateCounter<long>("iot.ingest.messages", description: "Messages received, by channel and outcome");
        Readings = _meter.CreateCounter<long>("iot.ingest.readings_stored", description: "Readings written to the time-series store");
        Rejected = _meter.CreateCounter<long>("iot.ingest.rejected", description: "Messages refused and dead-lettered");
        Duplicates = _meter.CreateCounter<long>("iot.ingest.duplicates", description: "Messages dropped as duplicates (agent, boot, seq)");
        Lost = _meter.CreateCounter<long>("iot.ingest.sequence_lost", description: "Sequence numbers given up on (data lost between agent and cloud)");
        WatermarksPublished = _meter.CreateCounter<long>("iot.ingest.watermarks_published", description: "Stored watermarks published to agents (at most one a second per agent, at once on a gap)");
        Unplaced = _meter.CreateCounter<long>("iot.ingest.unplaced", description: "Boot-relative readings held until their boot is anchored");
        BatchSize = _meter.CreateHistogram<int>("iot.ingest.batch_messages", description: "Messages per processed batch");
        Lag = _meter.CreateHistogram<double>("iot.ingest.lag", unit: "s", description: "Arrival time minus reading time");
        BatchDuration = _meter.CreateHistogram<double>("iot.ingest.batch_duration", unit: "s", description: "Time to validate, dedupe and store a batch");
        _meter.CreateObservableGauge("iot.ingest.queue_depth", () => inbox.Count, description: "Messages waiting for the processor");
    }

    public Counter<long> Messages { get; }

    public Counter<long> Readings { get; }

    public Counter<long> Rejected { get; }

    public Counter<long> Duplicates { get; }

    public Counter<long> Lost { get; }

    public Counter<long> Unplaced { get; }

    public Counter<long> WatermarksPublished { get; }

    public Histogram<int> BatchSize { get; }

    public Histogram<double> Lag { get; }

    public Histogram<double> BatchDuration { get; }

    public void Dispose() => _meter.Dispose();
}
