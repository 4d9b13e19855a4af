using Iot.Protocol.Identifiers;

namespace Iot.Protocol.Messages;

/// <summary>
/// How far the cloud has durably stored an agent's data (1.2), published retained on the agent's <c>stored</c> channel
/// after the store commits. The agent keeps every outbox record until this passes it, not just until the broker's
/// PUBACK, so a broker that forgets what it acknowledged loses nothing: the agent sends it again.
/// </summary>
/// <param name="V">Protocol version.</param>
/// <param name="Agent">The addressed agent; must match the topic.</param>
/// <param name="Boots">The agent's boots the cloud knows, most recent first.</param>
public sealed record StoredWatermark(ProtocolVersion V, AgentId Agent, IReadOnlyList<BootWatermark> Boots)
{
    /// <summary>At most this many boots in one message: the cloud keeps at most 8 live boots per agent, and names a few closed ones.</summary>
    public const int MaxBoots = 16;
}

/// <summary>One boot's watermark.</summary>
/// <param name="Boot">The boot.</param>
/// <param name="Stored">Every data seq of the boot up to and including this one is stored, or counted as lost (0: none yet).</param>
/// <param name="Closed">The cloud closed the boot (the agent started too many others): it takes nothing more of it, so the agent may let all of it go.</param>
public sealed record BootWatermark(BootId Boot, long Stored, bool? Closed = null);

/// <summary>
/// One boot's outbox floor, in an agent's status (1.2): the agent holds no record of <paramref name="Boot"/> below
/// <paramref name="Seq"/> that the cloud has not stored. What the cloud still misses below it is gone for good (dropped
/// by a full outbox, torn by a power cut), so the cloud counts it lost and moves its watermark on.
/// </summary>
/// <param name="Boot">The boot.</param>
/// <param name="Seq">The lowest data seq of the boot the agent still holds.</param>
public sealed record OutboxFloor(BootId Boot, long Seq);
