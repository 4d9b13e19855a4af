using Iot.Protocol.Topics;

namespace Iot.Edge.Outbox;

/// <summary>One message waiting in the outbox: the exact bytes to publish, already stamped with boot and seq.</summary>
/// <param name="Priority">The queue it sits in.</param>
/// <param name="Channel">Where it is published.</param>
/// <param name="Seq">Its data sequence number (informational; the payload carries the real one).</param>
/// <param name="Payload">The wire bytes.</param>
/// <param name="Boot">The boot it was written in (empty for records written before protocol 1.2).</param>
public sealed record OutboxRecord(OutboxPriority Priority, Channel Channel, long Seq, byte[] Payload, string Boot = "");

/// <summary>Records taken from one queue, to be acknowledged together once the broker has them.</summary>
/// <param name="Priority">The queue they came from.</param>
/// <param name="Records">The records, oldest first.</param>
/// <param name="Ends">For each record, the queue position just after it.</param>
public sealed record OutboxBatch(OutboxPriority Priority, IReadOnlyList<OutboxRecord> Records, IReadOnlyList<QueuePosition> Ends);

/// <summary>A position in a queue: segment number and byte offset within it.</summary>
/// <param name="Segment">Segment file number.</param>
/// <param name="Offset">Byte offset in that segment.</param>
public readonly record struct QueuePosition(long Segment, long Offset) : IComparable<QueuePosition>
{
    /// <inheritdoc />
    public int CompareTo(QueuePosition other) =>
        Segment != other.Segment ? Segment.CompareTo(other.Segment) : Offset.CompareTo(other.Offset);

    /// <summary>Ordering operator.</summary>
    public static bool operator <(QueuePosition a, QueuePosition b) => a.CompareTo(b) < 0;

    /// <summary>Ordering operator.</summary>
    public static bool operator >(QueuePosition a, QueuePosition b) => a.CompareTo(b) > 0;

    /// <summary>Ordering operator.</summary>
    public static bool operator <=(QueuePosition a, QueuePosition b) => a.CompareTo(b) <= 0;

    /// <summary>Ordering operator.</summary>
    public static bool operator >=(QueuePosition a, QueuePosition b) => a.CompareTo(b) >= 0;
}

/// <summary>What the outbox holds and has lost, for status health.</summary>
/// <param name="Depth">Records the cloud has not yet confirmed stored (sent or not).</param>
/// <param name="Bytes">Bytes on disk.</param>
/// <param name="Dropped">Records dropped because the outbox was full, since start.</param>
/// <param name="Corrupted">Damaged regions skipped, since start.</param>
/// <param name="Unconfirmed">Records the broker acknowledged that the cloud has not yet confirmed stored.</param>
public readonly record struct OutboxStats(long Depth, long Bytes, long Dropped, long Corrupted, long Unconfirmed = 0);
