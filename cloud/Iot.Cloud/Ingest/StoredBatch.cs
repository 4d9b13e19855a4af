using Iot.Cloud.TimeSeries;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Ingest;

/// <summary>What one committed ingest batch stored: readings, device events, agents' statuses.</summary>
/// <param name="Readings">Readings as stored (times placed).</param>
/// <param name="Events">Device events as stored (each marked unevaluated until the rules have seen it).</param>
/// <param name="Statuses">Statuses with the moment they arrived.</param>
/// <param name="Floods">Agents that went over their message budget, or came back within it.</param>
public sealed record StoredBatch(
    IReadOnlyList<StoredReading> Readings, IReadOnlyList<DeviceEventRecord> Events, IReadOnlyList<(AgentStatus Status, DateTimeOffset ReceivedAt)> Statuses,
    IReadOnlyList<AgentFlood>? Floods = null);

/// <summary>
/// Where ingest hands each committed batch (the rules implement it). Handing over waits while the receiver is behind,
/// which holds up ingest and, through manual acknowledgement, the broker.
/// </summary>
public interface IStoredBatches
{
    /// <summary>Takes a committed batch, waiting while the receiver is behind.</summary>
    ValueTask StoredAsync(StoredBatch batch, CancellationToken cancellationToken);
}
