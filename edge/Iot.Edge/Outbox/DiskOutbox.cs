using System.Buffers;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Outbox;

/// <summary>
/// The durable store-and-forward outbox: every message is written here before it is sent, and deleted only when the
/// cloud's stored watermark passes it (<see cref="Confirm"/>), not at the broker's PUBACK: a broker that forgets what it
/// acknowledged loses nothing, the records are sent again (<see cref="Rewind"/>). One queue per
/// <see cref="OutboxPriority"/>; bounded, dropping oldest telemetry first; survives kill -9 (each record is one write to
/// the OS) and torn or rotten files (checksummed records).
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
    private string _boot = string.Empty;

    // The cloud's watermark per boot, as far as it has told us (only ever raised).
    private readonly Dictionary<string, (long Stored, bool Closed)> _stored = [];

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

    /// <summary>Records the broker acknowledged that wait for the cloud's watermark (cheaper than <see cref="Stats"/>).</summary>
    public long InFlight
    {
        get
        {
            lock (_gate)
            {
                return _queues.Sum(q => q.InFlight);
            }
        }
    }

    /// <summary>Whether records wait for the cloud's watermark (<see cref="OutboxOptions.KeepUntilStored"/>).</summary>
    public bool KeepsUntilStored => _options.KeepUntilStored;

    /// <summary>The last data sequence number handed out in this boot.</summary>
    public long LastSeq => Interlocked.Read(ref _seq);

    /// <summary>
    /// Starts the boot the records written from now on belong to, so the cloud's watermark for that boot releases them.
    /// Before this, records carry no boot and the broker's PUBACK releases them (an outbox used on its own).
    /// </summary>
    public void StartBoot(BootId boot)
    {
        lock (_gate)
        {
            _boot = boot.Value;
        }
    }

    /// <summary>Current figures for status health.</summary>
    public OutboxStats Stats
    {
        get
        {
            lock (_gate)
            {
                return new OutboxStats(_queues.Sum(q => q.Depth), _queues.Sum(q => q.Bytes), _dropped, _corrupted, _queues.Sum(q => q.InFlight));
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
            var size = RecordFormat.SizeOf(payload.Length, _boot);
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
    /// <paramref name="includeTelemetry"/> (the pacing allows it). Null when nothing is due. A queue with
    /// <see cref="OutboxOptions.MaxInFlight"/> records waiting for the cloud's watermark sends no more until some are
    /// confirmed: with the cloud away, the backlog stays on the agent's disk instead of piling up in the broker.
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

                if (_options.KeepUntilStored && queue.InFlight >= _options.MaxInFlight)
                {
                    continue;
                }

                if (queue.Read(max, ref _corrupted) is { } batch)
                {
                    return batch;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// The broker has the first <paramref name="count"/> records of <paramref name="batch"/>: the next ones may go. They stay
    /// until the cloud's watermark passes them (unless <see cref="OutboxOptions.KeepUntilStored"/> is off). Those it
    /// <paramref name="refused"/> for good (indexes into the batch) will never reach the cloud: they go, counted as dropped.
    /// </summary>
    public void Acknowledge(OutboxBatch batch, int count, IReadOnlySet<int>? refused = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (count <= 0)
        {
            return;
        }

        lock (_gate)
        {
            var queue = _queues[(int)batch.Priority];
            queue.Acknowledge(batch, count, _options.KeepUntilStored, refused);
            _dropped += refused?.Count(i => i < count) ?? 0;
            queue.Release(IsStored);
        }
    }

    /// <summary>
    /// Takes the cloud's stored watermark: records it has stored (or counted lost, or of a boot it closed) are deleted.
    /// A watermark for this boot beyond the last seq written cannot be true and is ignored. True when anything was released.
    /// </summary>
    public bool Confirm(StoredWatermark watermark)
    {
        ArgumentNullException.ThrowIfNull(watermark);
        lock (_gate)
        {
            foreach (var boot in watermark.Boots)
            {
                var key = boot.Boot.Value;
                if (key == _boot && boot.Stored > _seq)
                {
                    continue;
                }

                var known = _stored.GetValueOrDefault(key);
                _stored[key] = (Math.Max(known.Stored, boot.Stored), known.Closed || boot.Closed == true);
            }

            var released = false;
            foreach (var queue in _queues)
            {
                released |= queue.Release(IsStored);
            }

            return released;
        }
    }

    /// <summary>Sends again, from the cloud's watermark, every record the cloud has not confirmed (after a reconnect, or when the watermark stalls).</summary>
    public void Rewind()
    {
        lock (_gate)
        {
            foreach (var queue in _queues)
            {
                queue.Rewind();
            }
        }
    }

    /// <summary>
    /// Boots whose watermark waits for a seq this outbox no longer holds (dropped when full, torn by a power cut): the
    /// lowest seq still held of each. The status carries them so the cloud counts the rest lost and moves on.
    /// </summary>
    public IReadOnlyList<OutboxFloor> Floors()
    {
        lock (_gate)
        {
            var floors = new List<OutboxFloor>();
            foreach (var (boot, (stored, closed)) in _stored)
            {
                if (closed)
                {
                    continue;
                }

                var held = _queues.Select(q => q.Floor(boot)).Where(f => f is not null).Min() ?? (boot == _boot ? _seq + 1 : null);
                if (held is { } floor && floor > stored + 1 && BootId.TryParse(boot, out var id, out _))
                {
                    floors.Add(new OutboxFloor(id, floor));
                }
            }

            return floors;
        }
    }

    private bool IsStored(InFlight record) =>
        record.Released || record.Boot.Length == 0 || (_stored.TryGetValue(record.Boot, out var w) && (w.Closed || record.Seq <= w.Stored));

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
            RecordFormat.Write(buffer, seq, channel, priority, _boot, payload);
            var segments = _queues.Sum(q => q.SegmentCount); // each retry deletes one: bounded, also when other files fill the disk
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    _queues[(int)priority].Append(buffer.AsSpan(0, size), _boot, seq);
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
