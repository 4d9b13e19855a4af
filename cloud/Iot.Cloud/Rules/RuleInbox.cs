using System.Threading.Channels;
using Iot.Cloud.Ingest;

namespace Iot.Cloud.Rules;

/// <summary>
/// The bounded hand-over from ingest to the rules: each committed batch as ingest stored it. The event lane's batches
/// (device events only) queue apart and are taken first, so an alarm is never evaluated behind telemetry. If the rules
/// fall behind, ingest waits (backpressure). Events are also marked in the database until evaluated, so none is lost
/// to a crash.
/// </summary>
public sealed class RuleInbox : IStoredBatches
{
    private readonly Channel<StoredBatch> _events = Channel.CreateBounded<StoredBatch>(new BoundedChannelOptions(64) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Channel<StoredBatch> _telemetry = Channel.CreateBounded<StoredBatch>(new BoundedChannelOptions(64) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <inheritdoc />
    public ValueTask StoredAsync(StoredBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var eventsOnly = batch.Readings.Count == 0 && batch.Statuses.Count == 0 && (batch.Floods?.Count ?? 0) == 0;
        return (eventsOnly ? _events : _telemetry).Writer.WriteAsync(batch, cancellationToken);
    }

    /// <summary>Completes when either queue has a batch.</summary>
    public async Task WaitToReadAsync(CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = _events.Reader.WaitToReadAsync(either.Token).AsTask();
        var telemetry = _telemetry.Reader.WaitToReadAsync(either.Token).AsTask();
        await Task.WhenAny(events, telemetry);
        await either.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Up to <paramref name="max"/> waiting batches: the event batches when there are any (a small evaluation of its
    /// own), otherwise telemetry.
    /// </summary>
    public List<StoredBatch> TakeWaiting(int max)
    {
        var taken = new List<StoredBatch>();
        while (taken.Count < max && _events.Reader.TryRead(out var e))
        {
            taken.Add(e);
        }

        if (taken.Count == 0)
        {
            while (taken.Count < max && _telemetry.Reader.TryRead(out var t))
            {
                taken.Add(t);
            }
        }

        return taken;
    }
}
