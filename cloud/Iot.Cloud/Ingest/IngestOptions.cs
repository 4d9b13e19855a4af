using System.ComponentModel.DataAnnotations;

namespace Iot.Cloud.Ingest;

/// <summary>How the ingest pipeline batches and bounds its work (section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ingest";

    /// <summary>Messages waiting between the MQTT client and the processor; when full, the client waits (backpressure).</summary>
    [Range(100, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Most messages handled (and stored) in one batch.</summary>
    [Range(1, 100_000)]
    public int MaxBatchMessages { get; set; } = 1_000;

    /// <summary>
    /// How long a batch may wait for more messages before it is processed. Each batch costs a commit (an fsync) in the
    /// time-series store and in the database, so a short wait buys much larger batches at a small cost in latency.
    /// Zero takes only what has already arrived.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>How many bytes of a refused payload the dead-letter table keeps.</summary>
    [Range(0, 262_144)]
    public int DeadLetterPayloadBytes { get; set; } = 4096;

    /// <summary>Dedupe windows (one per agent boot) kept in memory; older ones are reloaded from the database on demand.</summary>
    [Range(10, 10_000_000)]
    public int MaxSequenceWindows { get; set; } = 20_000;
}
