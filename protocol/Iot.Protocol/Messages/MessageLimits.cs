namespace Iot.Protocol.Messages;

/// <summary>Bounds every reader enforces, so that hostile input costs little.</summary>
public static class MessageLimits
{
    /// <summary>Largest payload accepted: 256 KiB.</summary>
    public const int MaxPayloadBytes = 256 * 1024;

    /// <summary>Most readings in one telemetry batch.</summary>
    public const int MaxReadingsPerBatch = 1000;

    /// <summary>Largest sequence number: 2^53 - 1, so that every JSON implementation reads it exactly.</summary>
    public const long MaxSeq = (1L << 53) - 1;

    /// <summary>Largest boot-relative time: ten years in milliseconds.</summary>
    public const long MaxBootMs = 10L * 366 * 24 * 3600 * 1000;

    /// <summary>Longest free text (reasons, errors, names of persons).</summary>
    public const int MaxTextLength = 500;

    /// <summary>Deepest JSON nesting accepted.</summary>
    public const int MaxDepth = 16;

    /// <summary>Earliest acceptable time stamp: nothing was installed before 2020.</summary>
    public static readonly DateTimeOffset EarliestTime = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far ahead of the reader's clock a time stamp may be (clock skew allowance).</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);
}
