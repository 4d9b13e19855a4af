using Iot.Cloud.Data;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Ingest;

/// <summary>
/// Places boot-relative readings on the real time line. An agent without a synced clock stamps readings with
/// milliseconds since boot; its status messages say where the boot starts: exactly (at − bootMs) once its clock
/// is synced, or approximately (arrival time − bootMs, from live, never retained, status messages, keeping the
/// earliest since arrival is never before sending). An exact anchor always wins over an estimate. The telemetry lane
/// learns and stages anchors; the event lane only places (<see cref="Place"/>), so the map is locked where either touches it.
/// </summary>
public sealed class BootClock(IOptions<IngestOptions> options) : IBatchState
{
    // Every boot looked up, with its anchor or none yet; least recently used first out past the cap.
    private readonly Dictionary<(AgentId Agent, string Boot), Known> _known = [];
    private readonly LinkedList<(AgentId Agent, string Boot)> _recency = [];
    private readonly HashSet<(AgentId Agent, string Boot)> _changed = [];
    private readonly Lock _gate = new();

    /// <summary>Boots whose anchor appeared or moved since the last commit.</summary>
    public IReadOnlyCollection<(AgentId Agent, string Boot)> Changed => _changed;

    /// <summary>Boots held in memory (bounded by <see cref="IngestOptions.MaxBootAnchors"/> plus one batch).</summary>
    public int Count => _known.Count;

    /// <summary>Loads stored anchors for <paramref name="keys"/> not yet looked up (only those pairs).</summary>
    public async Task EnsureLoadedAsync(CloudDb db, IEnumerable<(AgentId Agent, string Boot)> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var missing = new List<(AgentId Agent, string Boot)>();
        foreach (var key in keys.Distinct())
        {
            if (_known.TryGetValue(key, out var known))
            {
                Touch(known);
            }
            else
            {
                missing.Add(key);
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        var agents = missing.Select(k => k.Agent).Distinct().ToList();
        var boots = missing.Select(k => k.Boot).Distinct().ToList();
        var rows = (await db.BootAnchors.AsNoTracking().Where(a => agents.Contains(a.AgentId) && boots.Contains(a.BootId)).ToListAsync(cancellationToken))
            .ToDictionary(a => (a.AgentId, a.BootId));
        foreach (var key in missing)
        {
            Remember(key, rows.TryGetValue(key, out var row) ? new Anchor(row.BootStart, row.Exact) : null);
        }
    }

    /// <summary>Learns from a status message; returns true when the boot's anchor appeared or moved.</summary>
    public bool Observe(AgentStatus status, DateTimeOffset receivedAt, bool retained)
    {
        ArgumentNullException.ThrowIfNull(status);
        Anchor? candidate = status is { ClockSynced: true, At: { } at }
            ? new Anchor(at.AddMilliseconds(-status.BootMs), Exact: true)
            : retained ? null : new Anchor(receivedAt.AddMilliseconds(-status.BootMs), Exact: false);
        return candidate is { } c && Learn((status.Agent, status.Boot.Value), c);
    }

    /// <summary>Learns from a telemetry batch's synced clock (protocol 1.3): an exact anchor; true when it appeared or moved.</summary>
    public bool Observe(AgentId agent, BootId boot, SyncedClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return Learn((agent, boot.Value), new Anchor(clock.BootStart, Exact: true));
    }

    private bool Learn((AgentId Agent, string Boot) key, Anchor c)
    {
        lock (_gate)
        {
            if (!_known.TryGetValue(key, out var known))
            {
                known = Remember(key, null);
            }

            if (known.Anchor is { } current && (current.Exact || (!c.Exact && current.BootStart <= c.BootStart)))
            {
                return false;
            }

            known.Anchor = c;
            _changed.Add(key);
            return true;
        }
    }

    /// <summary>The real time of <paramref name="bootMs"/> in a boot, or null when the boot has no anchor yet.</summary>
    public DateTimeOffset? Place(AgentId agent, string boot, long bootMs)
    {
        lock (_gate)
        {
            return _known.TryGetValue((agent, boot), out var k) && k.Anchor is { } a ? a.BootStart.AddMilliseconds(bootMs) : null;
        }
    }

    /// <summary>Writes changed anchors into <paramref name="db"/> (saved with the batch).</summary>
    public async Task StageAsync(CloudDb db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (_changed.Count == 0)
        {
            return;
        }

        var agents = _changed.Select(k => k.Agent).Distinct().ToList();
        var boots = _changed.Select(k => k.Boot).Distinct().ToList();
        var rows = (await db.BootAnchors.Where(a => agents.Contains(a.AgentId) && boots.Contains(a.BootId)).ToListAsync(cancellationToken))
            .ToDictionary(a => (a.AgentId, a.BootId));
        foreach (var key in _changed)
        {
            var anchor = _known[key].Anchor!.Value;
            if (!rows.TryGetValue(key, out var row))
            {
                db.BootAnchors.Add(new BootAnchor { AgentId = key.Agent, BootId = key.Boot, BootStart = anchor.BootStart, Exact = anchor.Exact, UpdatedAt = now });
            }
            else
            {
                row.BootStart = anchor.BootStart;
                row.Exact = anchor.Exact;
                row.UpdatedAt = now;
            }
        }
    }

    /// <summary>The staged anchors are saved: nothing is changed any more, and the least recently used go down to the cap.</summary>
    public void Committed()
    {
        _changed.Clear();
        lock (_gate)
        {
            while (_known.Count > options.Value.MaxBootAnchors && _recency.Last is { } oldest)
            {
                _known.Remove(oldest.Value);
                _recency.RemoveLast();
            }
        }
    }

    /// <summary>Forgets everything in memory (after a failed save).</summary>
    public void RolledBack()
    {
        lock (_gate)
        {
            _known.Clear();
            _recency.Clear();
            _changed.Clear();
        }
    }

    private Known Remember((AgentId, string) key, Anchor? anchor)
    {
        lock (_gate)
        {
            var known = new Known { Anchor = anchor, Node = _recency.AddFirst(key) };
            _known[key] = known;
            return known;
        }
    }

    private void Touch(Known known)
    {
        if (known.Node != _recency.First)
        {
            _recency.Remove(known.Node);
            _recency.AddFirst(known.Node);
        }
    }

    private readonly record struct Anchor(DateTimeOffset BootStart, bool Exact);

    private sealed class Known
    {
        public Anchor? Anchor { get; set; }

        public required LinkedListNode<(AgentId Agent, string Boot)> Node { get; init; }
    }
}
