using System.Text.Json.Serialization;
using Iot.Protocol.Identifiers;

namespace Iot.Protocol.Messages;

/// <summary>Many readings in one message, published on the <c>telemetry</c> channel (QoS 1).</summary>
/// <param name="V">Protocol version.</param>
/// <param name="Agent">The sending agent.</param>
/// <param name="Boot">The agent's current run.</param>
/// <param name="Seq">Position in the boot's data sequence.</param>
/// <param name="Readings">One to <see cref="MessageLimits.MaxReadingsPerBatch"/> readings.</param>
/// <param name="Clock">(1.3) The agent's synced clock when it wrote the batch; absent before the sync.</param>
public sealed record TelemetryBatch(
    ProtocolVersion V,
    AgentId Agent,
    BootId Boot,
    long Seq,
    IReadOnlyList<Reading> Readings,
    SyncedClock? Clock = null) : IUplinkMessage;

/// <summary>
/// Where a boot starts on the time line: the milliseconds since boot and the synced UTC time, read at the same moment.
/// A boot whose first readings carry <c>bootMs</c> (its clock not yet synced) and that never reached the cloud while it
/// ran, so that no status message of it placed it, is placed by this.
/// </summary>
/// <param name="BootMs">Milliseconds since the boot.</param>
/// <param name="At">The synced clock at that moment, UTC.</param>
public sealed record SyncedClock(long BootMs, DateTimeOffset At)
{
    /// <summary>When the boot began (not on the wire).</summary>
    [JsonIgnore]
    public DateTimeOffset BootStart => At.AddMilliseconds(-BootMs);
}
