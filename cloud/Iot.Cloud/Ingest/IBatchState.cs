using Iot.Cloud.Data;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.Ingest;

/// <summary>
/// State ingest keeps in memory across batches (sequence windows, boot anchors) that the database must agree with.
/// Each batch stages its changes into the batch's one save; then the state hears whether that save committed, and
/// after a failure forgets what it held so the next batch reloads what was committed. <see cref="IngestBatch"/> drives
/// every such state the same way, in one place.
/// </summary>
public interface IBatchState
{
    /// <summary>Writes what changed into <paramref name="db"/>, saved with the batch.</summary>
    Task StageAsync(CloudDb db, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The batch's save committed: what was staged is now the database's.</summary>
    void Committed();

    /// <summary>The batch failed: forget everything, so the retry (or the broker's redelivery) starts from the database.</summary>
    void RolledBack();
}
