namespace Iot.Cloud.Ingest;

/// <summary>Running totals since this process started, for the ingest status API.</summary>
public sealed class IngestStats
{
    private long _messages;
    private long _readings;
    private long _rejected;
    private long _duplicates;
    private long _unplaced;
    private long _batches;

    public long Messages => Interlocked.Read(ref _messages);

    public long Readings => Interlocked.Read(ref _readings);

    public long Rejected => Interlocked.Read(ref _rejected);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Unplaced => Interlocked.Read(ref _unplaced);

    public long Batches => Interlocked.Read(ref _batches);

    public DateTimeOffset? LastBatchAt { get; private set; }

    internal void Record(int messages, int readings, int rejected, int duplicates, int unplaced, DateTimeOffset at)
    {
        Interlocked.Add(ref _messages, messages);
        Interlocked.Add(ref _readings, readings);
        Interlocked.Add(ref _rejected, rejected);
        Interlocked.Add(ref _duplicates, duplicates);
        Interlocked.Add(ref _unplaced, unplaced);
        Interlocked.Increment(ref _batches);
        LastBatchAt = at;
    }
}
