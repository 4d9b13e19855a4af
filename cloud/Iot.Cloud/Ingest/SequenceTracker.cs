using System.Collections.Concurrent;
using System.Threading.Channels;
using Iot.Cloud.Data;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Ingest;

/// <summary>
/// Drops duplicates by (agent, boot, seq) across every agent, in bounded memory: one <see cref="SequenceWindow"/>
/// per boot, the least recently used evicted past a cap, each persisted with every batch that touches it
/// (the watermark), so a restart reloads it and duplicates stay out. An agent keeps at most
/// <see cref="IngestOptions.MaxLiveBootsPerAgent"/> live boots: starting one more closes its least recently active
/// boot, whose missing seqs are then counted lost and whose later messages are refused (a stolen password cannot
/// grow the state without end by inventing boots). Only the (agent, boot) pairs of a batch are read from the database.
/// Used by the telemetry lane only, but for <see cref="Note"/>: the event lane stores its events under the database's
/// unique (agent, boot, seq) and notes their seqs here, to be marked in the telemetry lane's next batch (and, should the
/// process stop first, read back from the stored events when the window is next loaded), so the data sequence's gaps
/// stay exact across both lanes. After each commit it says, per agent whose windows the batch touched, how far the agent's
/// boots are stored (<see cref="TakeWatermarks"/>): each window's <see cref="SequenceWindow.Contiguous"/>, which only
/// ever covers seqs stored in a committed batch, read back from committed rows, or counted lost.
/// </summary>
public sealed partial class SequenceTracker(IOptions<IngestOptions> options) : IBatchState
{
    private readonly Dictionary<(AgentId Agent, string Boot), Entry> _windows = [];
    private readonly Dictionary<AgentId, List<Entry>> _byAgent = [];
    private readonly LinkedList<(AgentId Agent, string Boot)> _recency = [];

    // Each agent's live boots, most recently active first; loaded when the agent starts a boot unknown to the database.
    private readonly Dictionary<AgentId, LinkedList<string>> _live = [];

    // Seqs the event lane stored, waiting for the telemetry lane; and those taken into the batch being stored.
    private readonly ConcurrentQueue<(AgentId Agent, string Boot, long Seq)> _noted = new();
    private readonly List<(AgentId Agent, string Boot, long Seq)> _marking = [];
    private readonly Channel<bool> _notedWaiting = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // The windows staged into the batch being saved, and the time they were staged (their rows' UpdatedAt).
    private readonly List<Entry> _staged = [];
    private DateTimeOffset _stagedAt;

    /// <summary>Windows held in memory (bounded by <see cref="IngestOptions.MaxSequenceWindows"/> plus one batch).</summary>
    public int Count => _windows.Count;

    /// <summary>Loads the windows for <paramref name="keys"/> that are not in memory, and the live boots of agents that start a new one.</summary>
    public async Task EnsureLoadedAsync(CloudDb db, IEnumerable<(AgentId Agent, string Boot)> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var wanted = keys.Distinct().ToList();
        foreach (var key in wanted)
        {
            if (_windows.TryGetValue(key, out var present))
            {
                Touch(present);
            }
        }

        var missing = wanted.Where(k => !_windows.ContainsKey(k)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var byKey = await LoadAsync(db, missing, cancellationToken);
        var starting = new HashSet<AgentId>();
        foreach (var key in missing)
        {
            if (byKey.TryGetValue(key, out var s))
            {
                Add(key, Restored(s));
            }
            else
            {
                Add(key, new Entry(key, new SequenceWindow(), 0, 0, default, closed: false));
                starting.Add(key.Agent);
            }
        }

        if (starting.Count > 0)
        {
            await EnsureLiveAsync(db, starting, cancellationToken);
        }

        await MarkStoredEventsAsync(db, missing, cancellationToken);
    }

    // Events the event lane stored whose note never reached a committed batch (the process stopped in between): the
    // stored events say they arrived, so their seqs are not counted lost.
    private async Task MarkStoredEventsAsync(CloudDb db, List<(AgentId Agent, string Boot)> keys, CancellationToken cancellationToken)
    {
        var agents = keys.Select(k => k.Agent).Distinct().ToList();
        var boots = keys.Select(k => k.Boot).Distinct().ToList();
        var wanted = keys.ToHashSet();
        var floor = keys.Min(k => _windows[k].Window.Contiguous);
        var stored = await db.DeviceEvents.AsNoTracking()
            .Where(e => agents.Contains(e.AgentId) && boots.Contains(e.BootId) && e.Seq > floor)
            .Select(e => new { e.AgentId, e.BootId, e.Seq }).ToListAsync(cancellationToken);
        foreach (var e in stored)
        {
            if (wanted.Contains((e.AgentId, e.BootId)))
            {
                Mark(e.AgentId, e.BootId, e.Seq, now: null);
            }
        }
    }

    /// <summary>
    /// A seq the event lane stored (any thread), or found stored already (a replay): the next batch marks it, as arrived, in
    /// its boot's window, and publishes the agent's watermark. <see cref="NotedWaiting"/> wakes the telemetry lane for it.
    /// </summary>
    public void Note(AgentId agent, string boot, long seq)
    {
        _noted.Enqueue((agent, boot, seq));
        _notedWaiting.Writer.TryWrite(true);
    }

    /// <summary>Readable while noted seqs wait for a batch: an agent that sends only events still gets its seqs marked and its watermark.</summary>
    public ChannelReader<bool> NotedWaiting => _notedWaiting.Reader;

    /// <summary>Takes the noted seqs into this batch; their windows must then be loaded and <see cref="MarkNoted"/> called.</summary>
    public IReadOnlyList<(AgentId Agent, string Boot, long Seq)> TakeNoted()
    {
        // Before the queue: a seq noted after this read leaves the signal set for the next batch.
        _notedWaiting.Reader.TryRead(out _);
        while (_noted.TryDequeue(out var noted))
        {
            _marking.Add(noted);
        }

        return _marking;
    }

    /// <summary>Marks the seqs taken by <see cref="TakeNoted"/>; returns the seqs given up on by doing so.</summary>
    public long MarkNoted(DateTimeOffset now)
    {
        long lost = 0;
        foreach (var (agent, boot, seq) in _marking)
        {
            lost += Mark(agent, boot, seq, now);
        }

        return lost;
    }

    /// <summary>True when the boot was closed (too many live boots); its messages are refused. The window must have been loaded.</summary>
    public bool IsClosed(AgentId agent, string boot) => _windows[(agent, boot)].Closed;

    /// <summary>
    /// Records a seq; the window must have been loaded. <paramref name="lost"/> counts seqs given up on by this step,
    /// including those of a boot this one closed.
    /// </summary>
    public SeqVerdict Observe(AgentId agent, string boot, long seq, DateTimeOffset now, out long lost)
    {
        var key = (agent, boot);
        var entry = _windows[key];
        Touch(entry);
        entry.LastActive = now;
        _touched.Add(agent);
        var lostBefore = entry.Window.Lost;
        var verdict = entry.Window.Observe(seq);
        lost = entry.Window.Lost - lostBefore + KeepLive(agent, boot);
        if (verdict == SeqVerdict.Duplicate)
        {
            entry.Duplicates++;
        }
        else
        {
            entry.Accepted++;
        }

        if (entry.FirstSeen == default)
        {
            entry.FirstSeen = now;
        }

        entry.Dirty = true;
        return verdict;
    }

    // An event's seq, stored by the event lane: arrived, but neither accepted nor a duplicate here (it was stored once).
    // With `now` it was noted live (the agent is active, and hears its watermark); without, read back from stored events.
    private long Mark(AgentId agent, string boot, long seq, DateTimeOffset? now)
    {
        var entry = _windows[(agent, boot)];
        if (now is { } active)
        {
            entry.LastActive = active;
            _touched.Add(agent);
        }

        if (entry.Closed)
        {
            return 0;
        }

        Touch(entry);
        var lostBefore = entry.Window.Lost;
        if (entry.Window.Observe(seq) == SeqVerdict.New)
        {
            entry.Accepted++;
            entry.Dirty = true;
        }

        return entry.Window.Lost - lostBefore + (now is null ? 0 : KeepLive(agent, boot));
    }

    /// <summary>Writes every window changed since the last call into <paramref name="db"/> (saved with the batch).</summary>
    public async Task StageAsync(CloudDb db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        _staged.Clear();
        foreach (var entry in _windows.Values)
        {
            if (entry.Dirty)
            {
                _staged.Add(entry);
            }
        }

        _stagedAt = now;
        if (_staged.Count == 0)
        {
            return;
        }

        // A window read from or saved to the database has its row there, so it is updated without reading the row first (a
        // query each batch). Only a row saved longer ago than half the retention is looked up: the sweep may have deleted it.
        var sweepable = now - options.Value.SequenceRetention / 2;
        var unsure = _staged.Where(e => e.Stored && e.StoredAt < sweepable).Select(e => e.Key).ToList();
        var present = unsure.Count == 0 ? [] : (await LoadAsync(db, unsure, cancellationToken)).Keys.ToHashSet();
        foreach (var entry in _staged)
        {
            var (agent, boot) = entry.Key;
            var exists = entry.Stored && (entry.StoredAt >= sweepable || present.Contains(entry.Key));
            if (entry.FirstSeen == default)
            {
                entry.FirstSeen = now;
            }

            var row = new SequenceState
            {
                AgentId = agent, BootId = boot, FirstSeen = entry.FirstSeen, Contiguous = entry.Window.Contiguous, MaxSeen = entry.Window.MaxSeen,
                SeenAbove = entry.Window.SeenAboveBitmap(), Lost = entry.Window.Lost, Duplicates = entry.Duplicates, Accepted = entry.Accepted,
                Closed = entry.Closed, UpdatedAt = now,
            };
            if (exists)
            {
                db.Sequences.Update(row);
            }
            else
            {
                db.Sequences.Add(row);
            }
        }
    }

    /// <summary>Marks staged changes as saved, and makes the touched agents' watermarks (<see cref="TakeWatermarks"/>).</summary>
    public void Committed()
    {
        _marking.Clear();
        foreach (var entry in _staged)
        {
            entry.Dirty = false;
            entry.Stored = true;
            entry.StoredAt = _stagedAt;
        }

        _staged.Clear();

        foreach (var agent in _touched)
        {
            _watermarks.Add(WatermarkOf(agent));
        }

        _touched.Clear();
        Evict();
    }

    /// <summary>Forgets everything in memory (after a failed save): the next batch reloads what was committed.</summary>
    public void RolledBack()
    {
        foreach (var noted in _marking)
        {
            _noted.Enqueue(noted);
        }

        _marking.Clear();
        _staged.Clear();
        _windows.Clear();
        _byAgent.Clear();
        _recency.Clear();
        _live.Clear();
        _touched.Clear();
        _watermarks.Clear();
    }

    // Only the pairs asked for: filtered by agents and boots in SQL, then exactly in memory.
    private static async Task<Dictionary<(AgentId, string), SequenceState>> LoadAsync(CloudDb db, List<(AgentId Agent, string Boot)> keys, CancellationToken cancellationToken)
    {
        var agents = keys.Select(k => k.Agent).Distinct().ToList();
        var boots = keys.Select(k => k.Boot).Distinct().ToList();
        var wanted = keys.ToHashSet();
        var rows = await db.Sequences.AsNoTracking().Where(s => agents.Contains(s.AgentId) && boots.Contains(s.BootId)).ToListAsync(cancellationToken);
        return rows.Where(s => wanted.Contains((s.AgentId, s.BootId))).ToDictionary(s => (s.AgentId, s.BootId));
    }

    // The agents' live boots from the database (once per agent), with their windows, so that closing one can count its
    // gaps. One query for all the agents of a batch: after a restart every agent starts a boot unknown here at once.
    private async Task EnsureLiveAsync(CloudDb db, IReadOnlyCollection<AgentId> agents, CancellationToken cancellationToken)
    {
        var unknown = agents.Where(a => !_live.ContainsKey(a)).ToList();
        if (unknown.Count > 0)
        {
            var rows = await db.Sequences.AsNoTracking().Where(s => unknown.Contains(s.AgentId) && !s.Closed).ToListAsync(cancellationToken);
            var byAgent = rows.ToLookup(r => r.AgentId);
            foreach (var agent in unknown)
            {
                var boots = byAgent[agent].OrderByDescending(r => r.UpdatedAt).ToList();
                _live[agent] = new LinkedList<string>(boots.Select(r => r.BootId));
                foreach (var row in boots.Where(r => !_windows.ContainsKey((agent, r.BootId))))
                {
                    Add((agent, row.BootId), Restored(row));
                }
            }
        }

        var evicted = agents.Except(unknown).SelectMany(a => _live[a].Where(b => !_windows.ContainsKey((a, b))).Select(b => (a, b))).ToList();
        if (evicted.Count > 0)
        {
            foreach (var (key, row) in await LoadAsync(db, evicted, cancellationToken))
            {
                Add(key, Restored(row));
            }
        }
    }

    // Puts the boot first among its agent's live boots and closes the least recently active past the cap; returns the seqs that closing gave up.
    private long KeepLive(AgentId agent, string boot)
    {
        if (!_live.TryGetValue(agent, out var live))
        {
            return 0;
        }

        if (live.First?.Value != boot)
        {
            live.Remove(boot);
            live.AddFirst(boot);
        }

        long lost = 0;
        while (live.Count > options.Value.MaxLiveBootsPerAgent && live.Last is { } oldest)
        {
            live.RemoveLast();
            if (_windows.TryGetValue((agent, oldest.Value), out var closing) && !closing.Closed)
            {
                lost += closing.Window.Close();
                closing.Closed = true;
                closing.Dirty = true;
            }
        }

        return lost;
    }

    private static Entry Restored(SequenceState s) =>
        new((s.AgentId, s.BootId), SequenceWindow.Restore(s.Contiguous, s.MaxSeen, s.Lost, s.SeenAbove), s.Duplicates, s.Accepted, s.FirstSeen, s.Closed)
        {
            LastActive = s.UpdatedAt, Stored = true, StoredAt = s.UpdatedAt,
        };

    private void Add((AgentId Agent, string Boot) key, Entry entry)
    {
        entry.Node = _recency.AddFirst(key);
        entry.CommittedMissing = entry.Window.Missing;
        _windows[key] = entry;
        if (!_byAgent.TryGetValue(key.Agent, out var boots))
        {
            _byAgent[key.Agent] = boots = [];
        }

        boots.Add(entry);
    }

    // After a commit nothing is dirty, so the least recently used go down to the cap (they reload from the database on demand).
    private void Evict()
    {
        while (_windows.Count > options.Value.MaxSequenceWindows && _recency.Last is { } oldest)
        {
            if (_windows.Remove(oldest.Value, out var entry) && _byAgent.TryGetValue(oldest.Value.Agent, out var boots) && boots.Remove(entry) && boots.Count == 0)
            {
                _byAgent.Remove(oldest.Value.Agent);
            }

            _recency.RemoveLast();
        }
    }

    private void Touch(Entry entry)
    {
        if (entry.Node is { } node && node != _recency.First)
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
        }
    }

    private sealed class Entry((AgentId Agent, string Boot) key, SequenceWindow window, long duplicates, long accepted, DateTimeOffset firstSeen, bool closed)
    {
        public (AgentId Agent, string Boot) Key { get; } = key;

        public SequenceWindow Window { get; } = window;

        public long Duplicates { get; set; } = duplicates;

        public long Accepted { get; set; } = accepted;

        public DateTimeOffset FirstSeen { get; set; } = firstSeen;

        public bool Closed { get; set; } = closed;

        public bool Dirty { get; set; }

        /// <summary>True when the window's row is in the database (read from it, or saved by a committed batch).</summary>
        public bool Stored { get; set; }

        /// <summary>When the row was last saved, as far as this process knows (the retention sweep deletes rows long unsaved).</summary>
        public DateTimeOffset StoredAt { get; set; }

        /// <summary>When the agent last sent data of this boot (for the watermark's order).</summary>
        public DateTimeOffset LastActive { get; set; }

        /// <summary>Seqs missing above the watermark at the last published watermark (a new gap goes out at once).</summary>
        public long CommittedMissing { get; set; }

        public LinkedListNode<(AgentId, string)>? Node { get; set; }
    }
}
