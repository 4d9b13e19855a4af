using Iot.Cloud.Data;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Ingest;

// The stored watermark (protocol 1.2): what the windows tell each agent after a commit, and the agents' outbox floors.
public sealed partial class SequenceTracker
{
    // Agents whose windows this batch touched (their watermark is published after the commit), and what the commit said.
    private readonly HashSet<AgentId> _touched = [];
    private readonly List<(StoredWatermark Watermark, bool Gap)> _watermarks = [];

    /// <summary>Loads the windows for <paramref name="keys"/> that the database knows, and no others (for outbox floors: a floor cannot open a boot).</summary>
    public async Task EnsureKnownLoadedAsync(CloudDb db, IEnumerable<(AgentId Agent, string Boot)> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var missing = keys.Distinct().Where(k => !_windows.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            foreach (var (key, row) in await LoadAsync(db, missing, cancellationToken))
            {
                Add(key, Restored(row));
            }
        }
    }

    /// <summary>The agent sent data of a closed boot: it has not heard that the boot is closed, so its watermark goes out again.</summary>
    public void RefusedClosed(AgentId agent, string boot, DateTimeOffset now)
    {
        _windows[(agent, boot)].LastActive = now;
        _touched.Add(agent);
    }

    /// <summary>
    /// An outbox floor from the agent's status: what the boot's window still misses below <paramref name="floor"/> is
    /// counted lost (never past what has arrived, see <see cref="SequenceWindow.GiveUpBelow"/>). Returns how many. A boot
    /// not loaded (unknown to the database, see <see cref="EnsureKnownLoadedAsync"/>) or closed is left alone.
    /// </summary>
    public long GiveUpBelow(AgentId agent, string boot, long floor)
    {
        if (!_windows.TryGetValue((agent, boot), out var entry) || entry.Closed)
        {
            return 0;
        }

        Touch(entry);
        _touched.Add(agent);
        var lost = entry.Window.GiveUpBelow(floor);
        entry.Dirty |= lost > 0;
        return lost;
    }

    /// <summary>
    /// The watermarks of the agents the last committed batch touched, each with whether one of its windows has a new or a
    /// wider gap (more seqs missing above the watermark than at the previous commit): then it should go out at once.
    /// </summary>
    public IReadOnlyList<(StoredWatermark Watermark, bool Gap)> TakeWatermarks()
    {
        var taken = _watermarks.ToList();
        _watermarks.Clear();
        return taken;
    }

    // The agent's boots held here, most recently active first, as committed.
    private (StoredWatermark, bool) WatermarkOf(AgentId agent)
    {
        var gap = false;
        var boots = new List<BootWatermark>();
        foreach (var entry in _byAgent[agent].Where(e => e.Window.MaxSeen > 0 || e.Closed).OrderByDescending(e => e.LastActive).Take(StoredWatermark.MaxBoots))
        {
            var missing = entry.Window.Missing;
            gap |= missing > entry.CommittedMissing;
            entry.CommittedMissing = missing;
            boots.Add(new BootWatermark(BootId.Parse(entry.Key.Boot), entry.Window.Contiguous, entry.Closed ? true : null));
        }

        return (new StoredWatermark(ProtocolVersion.Current, agent, boots), gap);
    }
}
