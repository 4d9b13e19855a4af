using Iot.Cloud.Operations;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Ingest;

/// <summary>How the ingest pipeline batches and bounds its work (section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ingest";

    /// <summary>Messages waiting between the MQTT client and the processor; when full, the client waits (backpressure).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Most messages handled (and stored) in one batch.</summary>
    public int MaxBatchMessages { get; set; } = 1_000;

    /// <summary>
    /// How long a batch may wait for more messages before it is processed. Each batch costs a commit (an fsync) in the
    /// time-series store and in the database, so a short wait buys much larger batches at a small cost in latency.
    /// Zero takes only what has already arrived.
    /// </summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>How many bytes of a refused payload the dead-letter table keeps.</summary>
    public int DeadLetterPayloadBytes { get; set; } = 4096;

    /// <summary>Dedupe windows (one per agent boot) kept in memory; older ones are reloaded from the database on demand.</summary>
    public int MaxSequenceWindows { get; set; } = 20_000;
}

/// <summary>Checks ingest's settings (each problem names its key).</summary>
public sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingProblems(IngestOptions.Section)
            .Within(nameof(options.QueueCapacity), options.QueueCapacity, 100, 1_000_000)
            .Within(nameof(options.MaxBatchMessages), options.MaxBatchMessages, 1, 100_000)
            .Within(nameof(options.MaxBatchDelay), options.MaxBatchDelay, TimeSpan.Zero, TimeSpan.FromSeconds(5))
            .Within(nameof(options.DeadLetterPayloadBytes), options.DeadLetterPayloadBytes, 0, 262_144)
            .Within(nameof(options.MaxSequenceWindows), options.MaxSequenceWindows, 10, 10_000_000)
            .Result;
    }
}
