using Iot.Cloud.Data;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Ingest;

/// <summary>
/// Places boot-relative readings on the real time line. An agent without a synced clock stamps readings with
/// milliseconds since boot; its status messages say where the boot starts: exactly (at − bootMs) once its clock
/// is synced, or approximately (arrival time − bootMs, from live, never retained, status messages, keeping the
/// earliest since arrival is never before sending). An exact anchor always wins over an estimate.
/// </summary>
public sealed class BootClock : IBatchState
{
    private readonly Dictionary<(AgentId Agent, string Boot), Anchor> _anchors = [];
    private readonly HashSet<(AgentId Agent, string Boot)> _known = [];
    private readonly HashSet<(AgentId Agent, string Boot)> _changed = [];

    /// <summary>Boots whose anchor appeared or moved since the last commit.</summary>
    public IReadOnlyCollection<(AgentId Agent, string Boot)> Changed => _changed;

    /// <summary>Loads stored anchors for <paramref name="keys"/> not yet looked up.</summary>
    public async Task EnsureLoadedAsync(CloudDb db, IEnumerable<(AgentId Agent, string Boot)> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var missing = keys.Where(k => !_known.Contains(k)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var agents = missing.Select(k => k.Agent).Distinct().ToList();
        foreach (var row in await db.BootAnchors.AsNoTracking().Where(a => agents.Contains(a.AgentId)).ToListAsync(cancellationToken))
        {
            _anchors.TryAdd((row.AgentId, row.BootId), new Anchor(row.BootStart, row.Exact));
            _known.Add((row.AgentId, row.BootId));
        }

        foreach (var key in missing)
        {
            _known.Add(key);
        }
    }

    /// <summary>Learns from a status message; returns true when the boot's anchor appeared or moved.</summary>
    public bool Observe(AgentStatus status, DateTimeOffset receivedAt, bool retained)
    {
        ArgumentNullException.ThrowIfNull(status);
        Anchor? candidate = status is { ClockSynced: true, At: { } at }
            ? new Anchor(at.AddMilliseconds(-status.BootMs), Exact: true)
            : retained ? null : new Anchor(receivedAt.AddMilliseconds(-status.BootMs), Exact: false);
        if (candidate is not { } c)
        {
            return false;
        }

        var key = (status.Agent, status.Boot.Value);
        _known.Add(key);
        if (_anchors.TryGetValue(key, out var current)
            && (current.Exact || (!c.Exact && current.BootStart <= c.BootStart)))
        {
            return false;
        }

        _anchors[key] = c;
        _changed.Add(key);
        return true;
    }

    /// <summary>The real time of <paramref name="bootMs"/> in a boot, or null when the boot has no anchor yet.</summary>
    public DateTimeOffset? Place(AgentId agent, string boot, long bootMs) =>
        _anchors.TryGetValue((agent, boot), out var a) ? a.BootStart.AddMilliseconds(bootMs) : null;

    /// <summary>Writes changed anchors into <paramref name="db"/> (saved with the batch).</summary>
    public async Task StageAsync(CloudDb db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        foreach (var (agent, boot) in _changed)
        {
            var anchor = _anchors[(agent, boot)];
            var row = await db.BootAnchors.FindAsync([agent, boot], cancellationToken);
            if (row is null)
            {
                db.BootAnchors.Add(new BootAnchor { AgentId = agent, BootId = boot, BootStart = anchor.BootStart, Exact = anchor.Exact, UpdatedAt = now });
            }
            else
            {
                row.BootStart = anchor.BootStart;
                row.Exact = anchor.Exact;
                row.UpdatedAt = now;
            }
        }
    }

    /// <summary>The staged anchors are saved: nothing is changed any more.</summary>
    public void Committed() => _changed.Clear();

    /// <summary>Forgets everything in memory (after a failed save).</summary>
    public void RolledBack()
    {
        _anchors.Clear();
        _known.Clear();
        _changed.Clear();
    }

    private readonly record struct Anchor(DateTimeOffset BootStart, bool Exact);
}
