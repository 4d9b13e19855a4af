using System.Threading.Channels;
using Iot.Cloud.Ingest;
using Iot.Cloud.TimeSeries;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Rules;

/// <summary>What one stored ingest batch brings to the rules.</summary>
public sealed record RuleInput(IReadOnlyList<StoredReading> Readings, IReadOnlyList<DeviceEventRecord> Events, IReadOnlyList<(AgentStatus Status, DateTimeOffset ReceivedAt)> Statuses);

/// <summary>
/// The bounded hand-over from ingest to the rules. Ingest posts after each stored batch; if the rules fall behind,
/// ingest waits (backpressure). Events are also marked in the database until evaluated, so none is lost to a crash.
/// </summary>
public sealed class RuleInbox : IStoredBatches
{
    private readonly Channel<RuleInput> _channel = Channel.CreateBounded<RuleInput>(new BoundedChannelOptions(64) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ChannelReader<RuleInput> Reader => _channel.Reader;

    public ValueTask PostAsync(RuleInput input, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(input, cancellationToken);

    /// <inheritdoc />
    public ValueTask StoredAsync(StoredBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return PostAsync(new RuleInput(batch.Readings, batch.Events, batch.Statuses), cancellationToken);
    }
}
