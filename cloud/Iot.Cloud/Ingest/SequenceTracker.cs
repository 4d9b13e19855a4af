using Iot.Cloud.Data;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Ingest;

/// <summary>
/// Drops duplicates by (agent, boot, seq) across every agent, in bounded memory: one <see cref="SequenceWindow"/>
/// per boot, the least recently used evicted past a cap, each persisted with every batch that touches it
/// (the watermark), so a restart reloads it and duplicates stay out. Used by the single ingest processor only.
/// </summary>
public sealed class SequenceTracker(IOptions<IngestOptions> options) : IBatchState
{
    private readonly Dictionary<(AgentId Agent, string Boot), Entry> _windows = [];
    private readonly LinkedList<(AgentId Agent, string Boot)> _recency = [];

    /// <summary>Loads the windows for <paramref name="keys"/> that are not in memory.</summary>
    public async Task EnsureLoadedAsync(CloudDb db, IEnumerable<(AgentId Agent, string Boot)> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var missing = keys.Where(k => !_windows.ContainsKey(k)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var agents = missing.Select(k => k.Agent).Distinct().ToList();
        var stored = await db.Sequences.AsNoTracking().Where(s => agents.Contains(s.AgentId)).ToListAsync(cancellationToken);
        var byKey = stored.ToDictionary(s => (s.AgentId, s.BootId));
        foreach (var key in missing)
        {
            var entry = byKey.TryGetValue(key, out var s)
                ? new Entry(SequenceWindow.Restore(s.Contiguous, s.MaxSeen, s.Lost, s.SeenAbove), s.Duplicates, s.Accepted, s.FirstSeen)
                : new Entry(new SequenceWindow(), 0, 0, default);
            Add(key, entry);
        }
    }

    /// <summary>Records a seq; the window must have been loaded. <paramref name="lost"/> counts seqs given up on by this step.</summary>
    public SeqVerdict Observe(AgentId agent, string boot, long seq, DateTimeOffset now, out long lost)
    {
        var key = (agent, boot);
        var entry = _windows[key];
        Touch(entry);
        var lostBefore = entry.Window.Lost;
        var verdict = entry.Window.Observe(seq);
        lost = entry.Window.Lost - lostBefore;
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

    /// <summary>Writes every window changed since the last call into <paramref name="db"/> (saved with the batch).</summary>
    public async Task StageAsync(CloudDb db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var dirty = _windows.Where(p => p.Value.Dirty).ToList();
        if (dirty.Count == 0)
        {
            return;
        }

        var agents = dirty.Select(p => p.Key.Agent).Distinct().ToList();
        var existing = (await db.Sequences.Where(s => agents.Contains(s.AgentId)).ToListAsync(cancellationToken))
            .ToDictionary(s => (s.AgentId, s.BootId));
        foreach (var ((agent, boot), entry) in dirty)
        {
            if (!existing.TryGetValue((agent, boot), out var row))
            {
                row = new SequenceState { AgentId = agent, BootId = boot, FirstSeen = entry.FirstSeen };
                db.Sequences.Add(row);
            }

            row.Contiguous = entry.Window.Contiguous;
            row.MaxSeen = entry.Window.MaxSeen;
            row.SeenAbove = entry.Window.SeenAboveBitmap();
            row.Lost = entry.Window.Lost;
            row.Duplicates = entry.Duplicates;
            row.Accepted = entry.Accepted;
            row.UpdatedAt = now;
        }
    }

    /// <summary>Marks staged changes as saved.</summary>
    public void Committed()
    {
        foreach (var entry in _windows.Values)
        {
            entry.Dirty = false;
        }
    }

    /// <summary>Forgets everything in memory (after a failed save): the next batch reloads what was committed.</summary>
    public void RolledBack()
    {
        _windows.Clear();
        _recency.Clear();
    }

    private void Add((AgentId, string) key, Entry entry)
    {
        entry.Node = _recency.AddFirst(key);
        _windows[key] = entry;
        while (_windows.Count > options.Value.MaxSequenceWindows && _recency.Last is { } oldest && !_windows[oldest.Value].Dirty)
        {
            _windows.Remove(oldest.Value);
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

    private sealed class Entry(SequenceWindow window, long duplicates, long accepted, DateTimeOffset firstSeen)
    {
        public SequenceWindow Window { get; } = window;

        public long Duplicates { get; set; } = duplicates;

        public long Accepted { get; set; } = accepted;

        public DateTimeOffset FirstSeen { get; set; } = firstSeen;

        public bool Dirty { get; set; }

        public LinkedListNode<(AgentId, string)>? Node { get; set; }
    }
}
