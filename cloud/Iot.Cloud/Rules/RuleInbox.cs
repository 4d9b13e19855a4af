using System.Threading.Channels;
using Iot.Cloud.Ingest;

namespace Iot.Cloud.Rules;

/// <summary>
/// The bounded hand-over from ingest to the rules: each committed batch as ingest stored it. If the rules fall behind,
/// ingest waits (backpressure). Events are also marked in the database until evaluated, so none is lost to a crash.
/// </summary>
public sealed class RuleInbox : IStoredBatches
{
    private readonly Channel<StoredBatch> _channel = Channel.CreateBounded<StoredBatch>(new BoundedChannelOptions(64) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ChannelReader<StoredBatch> Reader => _channel.Reader;

    /// <inheritdoc />
    public ValueTask StoredAsync(StoredBatch batch, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(batch, cancellationToken);
}
