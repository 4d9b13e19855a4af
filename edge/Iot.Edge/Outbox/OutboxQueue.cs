using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Iot.Edge.Outbox;

/// <summary>
/// One priority's queue: a run of segment files and two positions in it. The cursor (on disk) is where the records the
/// cloud has confirmed stored end: segments before it are deleted. The send position (in memory) is where the records
/// the broker has acknowledged end; between the two lie the records in flight, waiting for the cloud's watermark, and a
/// rewind sends them again. Not thread-safe: <see cref="DiskOutbox"/> holds the lock.
/// </summary>
internal sealed class OutboxQueue : IDisposable
{
    private readonly string _folder;
    private readonly long _segmentBytes;
    private readonly ILogger _logger;
    private readonly List<Segment> _segments = [];
    private readonly Dictionary<long, SafeFileHandle> _readers = [];

    // Acknowledged by the broker, not yet confirmed by the cloud, in queue order: what the watermark releases.
    private readonly Queue<InFlight> _inFlight = new();

    // Where each boot's records begin in this queue. A queue is written in time order, so each boot is one run.
    private readonly List<BootRun> _runs = [];
    private bool _cursorDirty;
    private Segment? _writeSegment;
    private SafeFileHandle? _writer;
    private QueuePosition _cursor;
    private QueuePosition _sent;

    private OutboxQueue(OutboxPriority priority, string folder, long segmentBytes, ILogger logger)
    {
        Priority = priority;
        _folder = folder;
        _segmentBytes = segmentBytes;
        _logger = logger;
    }

    public OutboxPriority Priority { get; }

    /// <summary>Records not yet confirmed stored.</summary>
    public long Depth => _segments.Sum(s => s.Remaining);

    /// <summary>Records the broker acknowledged that wait for the cloud's watermark.</summary>
    public int InFlight => _inFlight.Count;

    public long Bytes => _segments.Sum(s => s.Length);

    public bool HasSegments => _segments.Count > 0;

    public int SegmentCount => _segments.Count;

    private string CursorFile => Path.Combine(_folder, $"{(int)Priority}.cursor");

    /// <summary>Opens the queue's files, counting sound records after the cursor and damaged regions anywhere.</summary>
    public static OutboxQueue Recover(OutboxPriority priority, string folder, long segmentBytes, ILogger logger, out long corrupted)
    {
        var queue = new OutboxQueue(priority, folder, segmentBytes, logger);
        queue._cursor = queue.ReadCursor();
        corrupted = 0;
        var prefix = $"{(int)priority}-";
        var files = Directory.GetFiles(folder, $"{prefix}*.seg")
            .Select(f => (File: f, Number: long.TryParse(Path.GetFileNameWithoutExtension(f)[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(f => f.Number >= 0)
            .OrderBy(f => f.Number);
        foreach (var (file, number) in files)
        {
            if (number < queue._cursor.Segment)
            {
                File.Delete(file);
                continue;
            }

            var segment = new Segment(number, file, new FileInfo(file).Length, recovered: true);
            using (var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                var offset = number == queue._cursor.Segment ? queue._cursor.Offset : 0;
                while (true)
                {
                    var outcome = SegmentReader.ReadAt(handle, segment.Length, offset, out var record, out var next);
                    if (outcome == ReadOutcome.End)
                    {
                        break;
                    }

                    if (outcome == ReadOutcome.Record)
                    {
                        segment.Remaining++;
                        queue.NoteBoot(record!.Boot, record.Seq, new QueuePosition(number, offset));
                    }
                    else
                    {
                        corrupted++;
                    }

                    offset = next;
                }
            }

            queue._segments.Add(segment);
        }

        if (queue._segments.Count > 0 && queue._cursor.Segment < queue._segments[0].Number)
        {
            queue._cursor = new QueuePosition(queue._segments[0].Number, 0);
        }

        queue._sent = queue._cursor;
        queue.CollectFinished();
        return queue;
    }

    /// <summary>Appends one encoded record of <paramref name="boot"/>; a new segment starts when the current one is full.</summary>
    public void Append(ReadOnlySpan<byte> encoded, string boot, long seq)
    {
        if (_writeSegment is null || _writer is null || (_writeSegment.Length > 0 && _writeSegment.Length + encoded.Length > _segmentBytes))
        {
            StartSegment();
        }

        NoteBoot(boot, seq, new QueuePosition(_writeSegment!.Number, _writeSegment.Length));
        RandomAccess.Write(_writer!, encoded, _writeSegment!.Length);
        _writeSegment.Length += encoded.Length;
        _writeSegment.Remaining++;
    }

    /// <summary>Forces written records to the storage device.</summary>
    public void FlushToDisk()
    {
        if (_writer is not null)
        {
            RandomAccess.FlushToDisk(_writer);
        }
    }

    /// <summary>Reads up to <paramref name="max"/> records from the send position on, skipping damage (counted once).</summary>
    public OutboxBatch? Read(int max, ref long corrupted)
    {
        var records = new List<OutboxRecord>();
        var ends = new List<QueuePosition>();
        var position = _sent;
        foreach (var segment in _segments.Where(s => s.Number >= _sent.Segment).ToList())
        {
            var offset = segment.Number == position.Segment ? position.Offset : 0;
            var handle = Reader(segment);
            while (records.Count < max)
            {
                var outcome = SegmentReader.ReadAt(handle, segment.Length, offset, out var record, out var next);
                if (outcome == ReadOutcome.End)
                {
                    break;
                }

                if (outcome == ReadOutcome.Damaged && !segment.Recovered)
                {
                    corrupted++;
                }

                offset = next;
                if (record is not null)
                {
                    records.Add(record);
                    ends.Add(new QueuePosition(segment.Number, offset));
                }
                else if (records.Count == 0)
                {
                    // Nothing in this batch before the damage: send on from past it.
                    Pass(new QueuePosition(segment.Number, offset));
                }
            }

            if (records.Count >= max)
            {
                break;
            }

            if (records.Count == 0 && segment != _writeSegment)
            {
                Pass(new QueuePosition(segment.Number, segment.Length));
            }
        }

        if (records.Count == 0)
        {
            CollectFinished();
            return null;
        }

        return new OutboxBatch(Priority, records, ends);
    }

    /// <summary>
    /// The broker acknowledged the first <paramref name="count"/> records of <paramref name="batch"/>: they are sent, and wait
    /// for the cloud's watermark unless not <paramref name="keepUntilStored"/> or <paramref name="refused"/> for good.
    /// </summary>
    public void Acknowledge(OutboxBatch batch, int count, bool keepUntilStored, IReadOnlySet<int>? refused)
    {
        for (var i = 0; i < count; i++)
        {
            var end = batch.Ends[i];
            if (end <= _sent)
            {
                continue; // dropped or rewound meanwhile, or already acknowledged
            }

            _sent = end;
            var record = batch.Records[i];
            _inFlight.Enqueue(new InFlight(record.Boot, record.Seq, end, Released: !keepUntilStored || refused?.Contains(i) == true));
        }
    }

    /// <summary>Releases, from the oldest, the records in flight the cloud has stored; true when any was released.</summary>
    public bool Release(Func<InFlight, bool> stored)
    {
        var released = false;
        while (_inFlight.TryPeek(out var first) && stored(first))
        {
            _inFlight.Dequeue();
            if (first.End > _cursor)
            {
                if (_segments.Find(s => s.Number == first.End.Segment) is { } segment)
                {
                    segment.Remaining = Math.Max(0, segment.Remaining - 1);
                }

                _cursor = first.End;
                released = true;
            }
        }

        if (released)
        {
            CollectFinished();
            WriteCursor();
        }

        return released;
    }

    /// <summary>Sends again everything the cloud has not confirmed: the send position goes back to the cursor.</summary>
    public void Rewind()
    {
        _inFlight.Clear();
        _sent = _cursor;
    }

    /// <summary>
    /// The lowest seq of <paramref name="boot"/> this queue still holds, or null when it holds none. From memory, but for a
    /// boot whose first held record is at the cursor with nothing in flight: that one record is read (nothing moves).
    /// </summary>
    public long? Floor(string boot)
    {
        var index = _runs.FindIndex(r => r.Boot == boot);
        if (index < 0 || (index + 1 < _runs.Count && _runs[index + 1].Start <= _cursor))
        {
            return null; // never in this queue, or every record of it is released
        }

        if (_runs[index].Start >= _cursor)
        {
            return _runs[index].FirstSeq;
        }

        // The boot's run began before the cursor: its first held record is the one at the cursor.
        var head = _inFlight.TryPeek(out var first) ? (first.Boot, first.Seq) : RecordAtCursor() is { } r ? (r.Boot, r.Seq) : default;
        return head.Boot == boot ? head.Seq : null;
    }

    // The first sound record at or after the cursor, read without moving anything (damage is skipped, not counted).
    private OutboxRecord? RecordAtCursor()
    {
        foreach (var segment in _segments.Where(s => s.Number >= _cursor.Segment))
        {
            var offset = segment.Number == _cursor.Segment ? _cursor.Offset : 0;
            var handle = Reader(segment);
            while (SegmentReader.ReadAt(handle, segment.Length, offset, out var record, out var next) != ReadOutcome.End)
            {
                if (record is not null)
                {
                    return record;
                }

                offset = next;
            }
        }

        return null;
    }

    /// <summary>Deletes the oldest segment, returning how many unsent records it held; false when empty.</summary>
    public bool DropOldest(out long dropped)
    {
        dropped = 0;
        if (_segments.Count == 0)
        {
            return false;
        }

        var oldest = _segments[0];
        if (oldest == _writeSegment)
        {
            CloseWriter();
        }

        dropped = oldest.Remaining;
        Remove(oldest);
        if (_cursor.Segment <= oldest.Number)
        {
            _cursor = new QueuePosition(_segments.Count > 0 ? _segments[0].Number : oldest.Number + 1, 0);
        }

        while (_inFlight.TryPeek(out var first) && first.End <= _cursor)
        {
            _inFlight.Dequeue();
        }

        _sent = _sent < _cursor ? _cursor : _sent;
        WriteCursor();
        return true;
    }

    public void Dispose()
    {
        CloseWriter();
        foreach (var reader in _readers.Values)
        {
            reader.Dispose();
        }

        _readers.Clear();
    }

    // A full segment is forced to the card before the next one starts, and the new file's name with it: records are
    // never left only in the page cache of a segment the agent has moved on from.
    private void StartSegment()
    {
        if (_writer is not null)
        {
            RandomAccess.FlushToDisk(_writer);
        }

        CloseWriter();
        var number = Math.Max(_segments.Count > 0 ? _segments[^1].Number + 1 : 1, _cursor.Segment);
        var path = Path.Combine(_folder, Segment.FileName(Priority, number));
        _writer = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete);
        Storage.DurableFile.SyncFolder(_folder);
        _writeSegment = new Segment(number, path, 0, recovered: false);
        _segments.Add(_writeSegment);
    }

    private void CloseWriter()
    {
        _writer?.Dispose();
        _writer = null;
        _writeSegment = null;
    }

    private SafeFileHandle Reader(Segment segment)
    {
        if (!_readers.TryGetValue(segment.Number, out var handle))
        {
            handle = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _readers[segment.Number] = handle;
        }

        return handle;
    }

    // A segment the cursor has passed, and that is no longer written, holds nothing anyone needs.
    private void CollectFinished()
    {
        while (_segments.Count > 0)
        {
            var first = _segments[0];
            var passed = first.Number < _cursor.Segment || (first.Number == _cursor.Segment && _cursor.Offset >= first.Length);
            if (!passed || first == _writeSegment)
            {
                break;
            }

            Remove(first);

            // Onto the start of what follows: a cursor left inside a deleted segment would hide the first records of
            // the next segment to take its number.
            if (_cursor.Segment <= first.Number || (_segments.Count > 0 && _cursor.Segment < _segments[0].Number))
            {
                _cursor = new QueuePosition(_segments.Count > 0 ? _segments[0].Number : first.Number + 1, 0);
            }
        }

        _sent = _sent < _cursor ? _cursor : _sent;
        while (_runs.Count > 1 && _runs[1].Start <= _cursor)
        {
            _runs.RemoveAt(0);
        }
    }

    // Moves the send position past damage or an emptied segment; with nothing in flight the cursor moves with it.
    private void Pass(QueuePosition to)
    {
        if (_inFlight.Count == 0 && _sent == _cursor)
        {
            _cursor = to;
        }

        _sent = to;
    }

    private void NoteBoot(string boot, long seq, QueuePosition at)
    {
        if (_runs.Count == 0 || _runs[^1].Boot != boot)
        {
            _runs.Add(new BootRun(boot, seq, at));
        }
    }

    private void Remove(Segment segment)
    {
        if (_readers.Remove(segment.Number, out var reader))
        {
            reader.Dispose();
        }

        _segments.Remove(segment);
        File.Delete(segment.Path);
    }

    private QueuePosition ReadCursor()
    {
        try
        {
            var parts = File.ReadAllText(CursorFile).Split(' ', StringSplitOptions.TrimEntries);
            return parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var segment)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                ? new QueuePosition(segment, offset)
                : default;
        }
        catch (FileNotFoundException)
        {
            return default;
        }
    }

    // The cursor moves with every acknowledgement, in memory; on disk it is replaced durably (written, fsynced, renamed,
    // the folder fsynced) at the outbox's fsync cadence, so a power cut leaves a whole cursor, old or new, never a torn
    // one. An old cursor only means records are sent again, which the cloud drops as duplicates; writing it durably on
    // every acknowledgement would halve the replay rate for nothing more.
    private void WriteCursor() => _cursorDirty = true;

    /// <summary>Writes the cursor to disk if it moved since it was last written; on a full disk it stays due (logged).</summary>
    public void SaveCursor()
    {
        if (!_cursorDirty)
        {
            return;
        }

        try
        {
            Storage.DurableFile.Replace(CursorFile, string.Create(CultureInfo.InvariantCulture, $"{_cursor.Segment} {_cursor.Offset}"));
            _cursorDirty = false;
        }
        catch (IOException e)
        {
            OutboxLog.CursorNotSaved(_logger, Priority, e.Message);
        }
    }
}

/// <summary>A record the broker acknowledged: its boot and seq, where it ends in its queue, and whether it may go without the cloud's word.</summary>
internal readonly record struct InFlight(string Boot, long Seq, QueuePosition End, bool Released);

/// <summary>Where a boot's records begin in a queue, and the seq of the first.</summary>
internal readonly record struct BootRun(string Boot, long FirstSeq, QueuePosition Start);
