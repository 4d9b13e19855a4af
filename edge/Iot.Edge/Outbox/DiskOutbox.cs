using System.Buffers;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Outbox;

/// <summary>
/// The durable store-and-forward outbox: every message is written here before it is sent and deleted only
/// after the broker's PUBACK. One queue per <see cref="OutboxPriority"/>; bounded, dropping oldest telemetry
/// first; survives kill -9 (each record is one write to the OS) and torn or rotten files (checksummed records).
/// </summary>
public sealed class DiskOutbox : IDisposable
{
    private readonly Lock _gate = new();
    private readonly OutboxQueue[] _queues;
    private readonly OutboxOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _appended = new(0, 1);
    private long _seq;
    private long _dropped;
    private long _droppedReported;
    private long _corrupted;
    private long _lastFsync = Environment.TickCount64;
    private bool _dirty;

    private DiskOutbox(string folder, OutboxQueue[] queues, OutboxOptions options, long corrupted, ILogger logger)
    {
        Folder = folder;
        _queues = queues;
        _options = options;
        _corrupted = corrupted;
        _logger = logger;
    }

    /// <summary>The outbox's folder.</summary>
    public string Folder { get; }

    /// <summary>The last data sequence number handed out in this boot.</summary>
    public long LastSeq => Interlocked.Read(ref _seq);

    /// <summary>Current figures for status health.</summary>
    public OutboxStats Stats
    {
        get
        {
            lock (_gate)
            {
                return new OutboxStats(_queues.Sum(q => q.Depth), _queues.Sum(q => q.Bytes), _dropped, _corrupted);
            }
        }
    }

    /// <summary>Opens (and recovers) the outbox in <paramref name="folder"/>.</summary>
    public static DiskOutbox Open(string folder, OutboxOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(folder);
        var segmentBytes = Math.Min(options.SegmentBytes, Math.Max(4096, options.MaxBytes / 8));
        long corrupted = 0;
        var queues = Enum.GetValues<OutboxPriority>().Select(p =>
        {
            var queue = OutboxQueue.Recover(p, folder, segmentBytes, logger, out var damaged);
            corrupted += damaged;
            return queue;
        }).ToArray();
        var outbox = new DiskOutbox(folder, queues, options, corrupted, logger);
        var stats = outbox.Stats;
        OutboxLog.Recovered(logger, folder, stats.Depth, stats.Bytes, corrupted);
        return outbox;
    }

    /// <summary>
    /// Writes one message. The next data sequence number is handed to <paramref name="write"/>, which returns the
    /// wire bytes carrying it: the seq belongs to the record from the moment it is on disk, through any replay.
    /// </summary>
    /// <returns>The sequence number used.</returns>
    public long Append(OutboxPriority priority, Channel channel, Func<long, byte[]> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        long seq;
        lock (_gate)
        {
            seq = _seq + 1;
            var payload = write(seq);
            var size = RecordFormat.SizeOf(payload.Length);
            _seq = seq;
            if (!MakeRoom(size, priority) || !Write(seq, channel, priority, payload, size))
            {
                // Nothing less important is left to drop: this record is the one lost, counted, and the gap in seq shows it.
                _dropped++;
                return seq;
            }

            _dirty = true;
            if (priority == OutboxPriority.Safety || _options.FsyncMilliseconds == 0)
            {
                FlushLocked();
            }
        }

        if (_appended.CurrentCount == 0)
        {
            try
            {
                _appended.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another writer signalled first; one wake-up is enough.
            }
        }

        return seq;
    }

    /// <summary>Waits until something is appended (or <paramref name="timeout"/> passes).</summary>
    public Task<bool> WaitForAppendAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _appended.WaitAsync(timeout, cancellationToken);

    /// <summary>
    /// The oldest unsent records of the most urgent non-empty queue; telemetry only when
    /// <paramref name="includeTelemetry"/> (the pacing allows it). Null when nothing is due.
    /// </summary>
    public OutboxBatch? TakeBatch(int max, bool includeTelemetry)
    {
        lock (_gate)
        {
            foreach (var queue in _queues)
            {
                if (queue.Priority == OutboxPriority.Telemetry && !includeTelemetry)
                {
                    break;
                }

                if (queue.Read(max, ref _corrupted) is { } batch)
                {
                    return batch;
                }
            }

            return null;
        }
    }

    /// <summary>True when records of a priority above telemetry are waiting.</summary>
    public bool HasUrgent
    {
        get
        {
            lock (_gate)
            {
                return _queues[(int)OutboxPriority.Safety].Depth + _queues[(int)OutboxPriority.Event].Depth > 0;
            }
        }
    }

    /// <summary>Deletes the first <paramref name="count"/> records of <paramref name="batch"/>: the broker has them.</summary>
    public void Acknowledge(OutboxBatch batch, int count)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (count <= 0)
        {
            return;
        }

        lock (_gate)
        {
            _queues[(int)batch.Priority].Acknowledge(batch, count);
        }
    }

    /// <summary>Records dropped since the last call (for the <c>outboxDropping</c> event).</summary>
    public long TakeNewDrops()
    {
        lock (_gate)
        {
            var fresh = _dropped - _droppedReported;
            _droppedReported = _dropped;
            return fresh;
        }
    }

    /// <summary>Forces written records and moved cursors to disk when the fsync interval has passed.</summary>
    public void FlushIfDue()
    {
        lock (_gate)
        {
            if (Environment.TickCount64 - _lastFsync >= _options.FsyncMilliseconds)
            {
                FlushLocked();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            FlushLocked();
            foreach (var queue in _queues)
            {
                queue.Dispose();
            }
        }

        _appended.Dispose();
    }

    private void FlushLocked()
    {
        foreach (var queue in _queues)
        {
            try
            {
                if (_dirty)
                {
                    queue.FlushToDisk();
                }
            }
            catch (IOException e)
            {
                OutboxLog.FlushFailed(_logger, e.Message);
            }

            queue.SaveCursor();
        }

        _dirty = false;
        _lastFsync = Environment.TickCount64;
    }

    // The disk can fill before MaxBytes does (a small SD card, other files): a write that fails is retried after
    // dropping the oldest telemetry, by the same policy as a full outbox, until nothing less important is left.
    private bool Write(long seq, Channel channel, OutboxPriority priority, byte[] payload, int size)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            RecordFormat.Write(buffer, seq, channel, priority, payload);
            var segments = _queues.Sum(q => q.SegmentCount); // each retry deletes one: bounded, also when other files fill the disk
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    _queues[(int)priority].Append(buffer.AsSpan(0, size));
                    return true;
                }
                catch (IOException e)
                {
                    var victim = _queues.Reverse().FirstOrDefault(q => q.HasSegments && q.Priority >= priority);
                    if (attempt > segments || victim is null || !victim.DropOldest(out var dropped))
                    {
                        OutboxLog.Lost(_logger, priority, e.Message);
                        return false;
                    }

                    OutboxLog.WriteFailed(_logger, priority, e.Message);
                    _dropped += dropped;
                    OutboxLog.Dropped(_logger, dropped, victim.Priority);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Oldest telemetry goes first; events, then interlock records, only when nothing less important is left.
    private bool MakeRoom(long size, OutboxPriority incoming)
    {
        while (_queues.Sum(q => q.Bytes) + size > _options.MaxBytes)
        {
            var victim = _queues.Reverse().FirstOrDefault(q => q.HasSegments && q.Priority >= incoming);
            if (victim is null || !victim.DropOldest(out var dropped))
            {
                return false;
            }

            _dropped += dropped;
            OutboxLog.Dropped(_logger, dropped, victim.Priority);
        }

        return true;
    }
}
