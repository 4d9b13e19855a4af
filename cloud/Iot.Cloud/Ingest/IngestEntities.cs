using Iot.Protocol.Identifiers;

namespace Iot.Cloud.Ingest;

/// <summary>
/// Where a boot starts on the real time line, so boot-relative readings can be placed.
/// Exact once the agent reports a synced clock; before that estimated from live status messages.
/// </summary>
public sealed class BootAnchor
{
    public required AgentId AgentId { get; set; }

    public required string BootId { get; set; }

    public DateTimeOffset BootStart { get; set; }

    /// <summary>True when derived from a synced clock (at − bootMs); false for an estimate from arrival time.</summary>
    public bool Exact { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The dedupe watermark of one boot of one agent: what of its data sequence has arrived.</summary>
public sealed class SequenceState
{
    public required AgentId AgentId { get; set; }

    public required string BootId { get; set; }

    /// <summary>Every seq up to this one has arrived.</summary>
    public long Contiguous { get; set; }

    /// <summary>The highest seq that has arrived.</summary>
    public long MaxSeen { get; set; }

    /// <summary>Which seqs above <see cref="Contiguous"/> have arrived: a bitmap, bit i for Contiguous + 1 + i.</summary>
    public byte[] SeenAbove { get; set; } = [];

    /// <summary>Seqs given up on: they fell out of the dedupe window without arriving.</summary>
    public long Lost { get; set; }

    public long Duplicates { get; set; }

    public long Accepted { get; set; }

    /// <summary>Closed because the agent started more live boots than allowed: what was missing is counted lost, and later messages of it are refused.</summary>
    public bool Closed { get; set; }

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A message that was refused, kept with its reason for inspection.</summary>
public sealed class DeadLetter
{
    public long Id { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public required string Topic { get; set; }

    /// <summary>The agent named by the topic, when the topic could be parsed.</summary>
    public AgentId? AgentId { get; set; }

    public required string Reason { get; set; }

    /// <summary>The start of the payload (at most <see cref="Ingest.IngestOptions.DeadLetterPayloadBytes"/>).</summary>
    public required byte[] Payload { get; set; }

    public int PayloadBytes { get; set; }
}

/// <summary>An event an agent reported, placed on the time line.</summary>
public sealed class DeviceEventRecord
{
    public long Id { get; set; }

    public required AgentId AgentId { get; set; }

    public required string BootId { get; set; }

    public long Seq { get; set; }

    public required CourtyardId CourtyardId { get; set; }

    public required DeviceId DeviceId { get; set; }

    public required string Kind { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>True when the event's boot had no anchor and its arrival time stands in for when it happened.</summary>
    public bool TimeEstimated { get; set; }

    public int? Outlet { get; set; }

    public double? Value { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>Whether the rules have seen it; events are evaluated at least once, also across a restart.</summary>
    public bool Evaluated { get; set; }
}

/// <summary>A boot-relative reading whose boot has no anchor yet; placed and stored once one arrives.</summary>
public sealed class UnplacedReading
{
    public long Id { get; set; }

    public required AgentId AgentId { get; set; }

    public required string BootId { get; set; }

    public required CourtyardId CourtyardId { get; set; }

    public required string SensorId { get; set; }

    public required string Quantity { get; set; }

    public double Value { get; set; }

    public long BootMs { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>An agent's answer to a command.</summary>
public sealed class CommandResultRecord
{
    public long Id { get; set; }

    public required AgentId AgentId { get; set; }

    public required string CommandId { get; set; }

    public bool Ok { get; set; }

    public string? Error { get; set; }

    public DateTimeOffset At { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
