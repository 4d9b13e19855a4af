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

    // Rung after every batch is queued; one ring stands for any number, so waiting costs no task or cancellation per wake.
    private readonly Channel<bool> _bell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    /// <inheritdoc />
    public async ValueTask StoredAsync(StoredBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var eventsOnly = batch.Readings.Count == 0 && batch.Statuses.Count == 0 && (batch.Floods?.Count ?? 0) == 0;
        await (eventsOnly ? _events : _telemetry).Writer.WriteAsync(batch, cancellationToken);
        _bell.Writer.TryWrite(true);
    }

    /// <summary>Completes when either queue has a batch.</summary>
    public async Task WaitToReadAsync(CancellationToken cancellationToken)
    {
        // Queued before rung: a batch is either seen here or rings after this look.
        while (!_events.Reader.TryPeek(out _) && !_telemetry.Reader.TryPeek(out _))
        {
            await _bell.Reader.ReadAsync(cancellationToken);
        }
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
