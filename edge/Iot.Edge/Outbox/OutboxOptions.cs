using Microsoft.Extensions.Options;

namespace Iot.Edge.Outbox;

/// <summary>The durable outbox (section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>Most bytes the outbox may occupy on disk; when full, oldest telemetry is dropped first.</summary>
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Size at which a queue starts a new segment file (dropping and deleting work per segment).</summary>
    public long SegmentBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Telemetry records sent per second when a backlog drains, so a long outage does not swamp a 4G link.</summary>
    public double ReplayRecordsPerSecond { get; set; } = 50;

    /// <summary>Records published together before waiting for their acknowledgements.</summary>
    public int Window { get; set; } = 16;

    /// <summary>How often written records are forced to the SD card (fsync); safety records are forced at once.</summary>
    public int FsyncMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Keep each record until the cloud's stored watermark passes it (protocol 1.2), not only until the broker's PUBACK.
    /// Off only for a cloud older than 1.2, which publishes no watermark.
    /// </summary>
    public bool KeepUntilStored { get; set; } = true;

    /// <summary>Records per queue the broker has acknowledged and the cloud not yet confirmed; past it the queue waits.</summary>
    public int MaxInFlight { get; set; } = 2000;

    /// <summary>
    /// When records wait this long for the cloud's watermark although the broker acknowledged them, they are sent again
    /// (the broker may have lost them); the wait doubles each time it passes without progress, up to ten minutes.
    /// </summary>
    public double StallSeconds { get; set; } = 30;
}

/// <summary>Refuses outbox settings that cannot work, naming the setting.</summary>
public sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxBytes < 64 * 1024)
        {
            failures.Add($"Outbox:MaxBytes is {options.MaxBytes}; it must be at least 65536 bytes");
        }

        if (options.SegmentBytes < 4096 || options.SegmentBytes > options.MaxBytes)
        {
            failures.Add($"Outbox:SegmentBytes is {options.SegmentBytes}; it must be 4096 or more and at most Outbox:MaxBytes");
        }

        if (!double.IsFinite(options.ReplayRecordsPerSecond) || options.ReplayRecordsPerSecond <= 0)
        {
            failures.Add($"Outbox:ReplayRecordsPerSecond is {options.ReplayRecordsPerSecond}; it must be above 0");
        }

        if (options.Window is < 1 or > 1000)
        {
            failures.Add($"Outbox:Window is {options.Window}; it must be 1 to 1000");
        }

        if (options.MaxInFlight is < 1 or > 100_000)
        {
            failures.Add($"Outbox:MaxInFlight is {options.MaxInFlight}; it must be 1 to 100000");
        }

        if (!double.IsFinite(options.StallSeconds) || options.StallSeconds is < 1 or > 3600)
        {
            failures.Add($"Outbox:StallSeconds is {options.StallSeconds}; it must be 1 to 3600");
        }

        if (options.FsyncMilliseconds is < 0 or > 600_000)
        {
            failures.Add($"Outbox:FsyncMilliseconds is {options.FsyncMilliseconds}; it must be 0 (every record) to 600000");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
