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

    /// <summary>Valid device events waiting for the event processor (its own lane, so an alarm never waits behind telemetry).</summary>
    public int EventQueueCapacity { get; set; } = 2_000;

    /// <summary>Most device events handled in one event batch: small, since each batch is one short transaction.</summary>
    public int MaxEventBatch { get; set; } = 100;

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

    /// <summary>Boot anchors (boots looked up, with or without an anchor) kept in memory; older ones are reloaded on demand.</summary>
    public int MaxBootAnchors { get; set; } = 20_000;

    /// <summary>Live boots an agent may have; one more closes its least recently active boot (its missing messages count as lost, later ones are refused).</summary>
    public int MaxLiveBootsPerAgent { get; set; } = 8;

    /// <summary>
    /// How often an agent gets back the right to start one more boot, beyond <see cref="MaxLiveBootsPerAgent"/> at once
    /// (a Pi restarts a few times a day; a new boot in every message is a flood).
    /// </summary>
    public TimeSpan NewBootInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Distinct sensors (series) an agent may use per device of its manifest (a charger with 16 outlets uses about 50).</summary>
    public int MaxSensorsPerDevice { get; set; } = 64;

    /// <summary>Each agent's message budget, messages per second (an honest agent sends about one batch every few seconds).</summary>
    public int AgentMessagesPerSecond { get; set; } = 50;

    /// <summary>
    /// Messages an agent may send at once above its rate: an outbox replay after a day's outage is about 17,000 records,
    /// sent as fast as the broker takes them. Over-budget messages are acknowledged and dead-lettered (lost to the
    /// series), so this must cover the longest replay the street should survive.
    /// </summary>
    public int AgentBurst { get; set; } = 20_000;

    /// <summary>Over-budget messages kept as dead letters, each, per agent per minute; the rest are counted in one summary dead letter.</summary>
    public int FloodDeadLettersPerMinute { get; set; } = 10;

    /// <summary>How long an agent must stay within its budget before its <c>agentFlooding</c> alert clears.</summary>
    public TimeSpan FloodQuietPeriod { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long dead letters are kept.</summary>
    public TimeSpan DeadLetterRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long boot-relative readings wait for their boot's anchor; then they are dead-lettered (one summary per boot).</summary>
    public TimeSpan UnplacedRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a boot anchor is kept after it last changed.</summary>
    public TimeSpan BootAnchorRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long a boot's dedupe window is kept after its last message.</summary>
    public TimeSpan SequenceRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the retention sweep runs.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Checks ingest's settings (each problem names its key).</summary>
public sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingProblems(IngestOptions.Section)
            .Within(nameof(options.QueueCapacity), options.QueueCapacity, 100, 1_000_000)
            .Within(nameof(options.EventQueueCapacity), options.EventQueueCapacity, 10, 1_000_000)
            .Within(nameof(options.MaxEventBatch), options.MaxEventBatch, 1, 10_000)
            .Within(nameof(options.MaxBatchMessages), options.MaxBatchMessages, 1, 100_000)
            .Within(nameof(options.MaxBatchDelay), options.MaxBatchDelay, TimeSpan.Zero, TimeSpan.FromSeconds(5))
            .Within(nameof(options.DeadLetterPayloadBytes), options.DeadLetterPayloadBytes, 0, 262_144)
            .Within(nameof(options.MaxSequenceWindows), options.MaxSequenceWindows, 10, 10_000_000)
            .Within(nameof(options.MaxBootAnchors), options.MaxBootAnchors, 10, 10_000_000)
            .Within(nameof(options.MaxLiveBootsPerAgent), options.MaxLiveBootsPerAgent, 1, 1_000)
            .Within(nameof(options.NewBootInterval), options.NewBootInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1))
            .Within(nameof(options.MaxSensorsPerDevice), options.MaxSensorsPerDevice, 1, 10_000)
            .Within(nameof(options.AgentMessagesPerSecond), options.AgentMessagesPerSecond, 1, 1_000_000)
            .Within(nameof(options.AgentBurst), options.AgentBurst, 1, 10_000_000)
            .Within(nameof(options.FloodDeadLettersPerMinute), options.FloodDeadLettersPerMinute, 0, 100_000)
            .Within(nameof(options.FloodQuietPeriod), options.FloodQuietPeriod, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1))
            .Within(nameof(options.DeadLetterRetention), options.DeadLetterRetention, TimeSpan.FromHours(1), TimeSpan.FromDays(3650))
            .Within(nameof(options.UnplacedRetention), options.UnplacedRetention, TimeSpan.FromHours(1), TimeSpan.FromDays(3650))
            .Within(nameof(options.BootAnchorRetention), options.BootAnchorRetention, TimeSpan.FromDays(1), TimeSpan.FromDays(3650))
            .Within(nameof(options.SequenceRetention), options.SequenceRetention, TimeSpan.FromDays(1), TimeSpan.FromDays(3650))
            .Within(nameof(options.RetentionSweepInterval), options.RetentionSweepInterval, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1))
            .Result;
    }
}
