using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Ingest;

/// <summary>
/// Decides when each agent's stored watermark goes out: at most once per <see cref="Interval"/> per agent, the latest
/// value replacing any not yet sent, but a watermark that shows a new gap at once (at most once per interval too, so an
/// agent sees at worst two a second). Pure (no clock, no I/O): the caller passes the time and publishes what is due.
/// At 10,000 agents no timer per agent: an agent waiting for its interval sits in one queue ordered by due time (due is
/// its last send plus the interval, and sends happen in time order), and an agent is forgotten an interval after its
/// last send.
/// </summary>
public sealed class WatermarkPacer(TimeSpan interval)
{
    private readonly Dictionary<AgentId, Pace> _agents = [];
    private readonly Queue<AgentId> _ready = new();
    private readonly Queue<(AgentId Agent, TimeSpan Due)> _waiting = new();
    private readonly Queue<(AgentId Agent, TimeSpan SentAt)> _sent = new();

    /// <summary>The least time between two routine watermarks to one agent.</summary>
    public TimeSpan Interval => interval;

    /// <summary>Agents the pacer holds state for: those with a watermark waiting or sent within the last interval.</summary>
    public int Tracked => _agents.Count;

    /// <summary>Agents with a watermark not yet sent.</summary>
    public int Pending => _agents.Values.Count(p => p.Latest is not null);

    /// <summary>The watermark waiting for <paramref name="agent"/>, if any (for tests and diagnostics).</summary>
    public StoredWatermark? PendingFor(AgentId agent) => _agents.TryGetValue(agent, out var p) ? p.Latest : null;

    /// <summary>Takes <paramref name="watermark"/> as the agent's latest; <paramref name="gap"/>: it shows a new gap.</summary>
    public void Offer(StoredWatermark watermark, bool gap, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(watermark);
        if (!_agents.TryGetValue(watermark.Agent, out var pace))
        {
            _agents[watermark.Agent] = pace = new Pace();
        }

        pace.Latest = watermark;
        if (pace.Ready)
        {
            pace.GapDue |= gap;
            return;
        }

        if (gap && now - pace.GapSentAt >= interval)
        {
            pace.GapDue = true;
            MakeReady(watermark.Agent, pace);
        }
        else if (now - pace.SentAt >= interval)
        {
            MakeReady(watermark.Agent, pace);
        }
        else if (!pace.Waiting)
        {
            pace.Waiting = true;
            _waiting.Enqueue((watermark.Agent, pace.SentAt + interval));
        }
    }

    /// <summary>The watermarks due at <paramref name="now"/>, each counted as sent then.</summary>
    public List<StoredWatermark> TakeDue(TimeSpan now)
    {
        while (_waiting.TryPeek(out var waiting) && waiting.Due <= now)
        {
            _waiting.Dequeue();

            // A stale entry (the agent went out since, on a gap) has an earlier due than its current one.
            if (_agents.TryGetValue(waiting.Agent, out var pace) && pace.Waiting && waiting.Due == pace.SentAt + interval)
            {
                MakeReady(waiting.Agent, pace);
            }
        }

        var due = new List<StoredWatermark>(_ready.Count);
        while (_ready.TryDequeue(out var agent))
        {
            var pace = _agents[agent];
            pace.Ready = false;
            due.Add(pace.Latest!);
            pace.Latest = null;
            pace.SentAt = now;
            if (pace.GapDue)
            {
                pace.GapSentAt = now;
                pace.GapDue = false;
            }

            _sent.Enqueue((agent, now));
        }

        Forget(now);
        return due;
    }

    /// <summary>How long from <paramref name="now"/> until something is due; null when nothing waits.</summary>
    public TimeSpan? NextDue(TimeSpan now) =>
        _ready.Count > 0 ? TimeSpan.Zero
        : _waiting.TryPeek(out var waiting) ? (waiting.Due > now ? waiting.Due - now : TimeSpan.Zero)
        : null;

    /// <summary>A watermark that could not be sent goes back, unless a newer one came meanwhile; it is due an interval after the attempt.</summary>
    public void Retry(StoredWatermark watermark, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(watermark);
        if (!_agents.TryGetValue(watermark.Agent, out var pace) || pace.Latest is null)
        {
            Offer(watermark, gap: false, now);
        }
    }

    private void MakeReady(AgentId agent, Pace pace)
    {
        pace.Waiting = false;
        pace.Ready = true;
        _ready.Enqueue(agent);
    }

    // An agent whose last send is an interval old and has nothing waiting needs no state: its next offer goes at once.
    private void Forget(TimeSpan now)
    {
        while (_sent.TryPeek(out var sent) && now - sent.SentAt >= interval)
        {
            _sent.Dequeue();
            if (_agents.TryGetValue(sent.Agent, out var pace) && pace.SentAt == sent.SentAt && pace.Latest is null && !pace.Ready && !pace.Waiting
                && now - pace.GapSentAt >= interval)
            {
                _agents.Remove(sent.Agent);
            }
        }
    }

    private sealed class Pace
    {
        public StoredWatermark? Latest { get; set; }

        public TimeSpan SentAt { get; set; } = TimeSpan.MinValue / 2;

        public TimeSpan GapSentAt { get; set; } = TimeSpan.MinValue / 2;

        public bool GapDue { get; set; }

        public bool Ready { get; set; }

        public bool Waiting { get; set; }
    }
}
