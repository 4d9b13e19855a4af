using Iot.Protocol.Identifiers;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Ingest;

/// <summary>An agent's flooding began (it went over its message budget) or ended (a quiet spell within it).</summary>
/// <param name="Agent">The agent.</param>
/// <param name="Flooding">True while over budget.</param>
/// <param name="Refused">Messages refused over budget in the current minute (0 when it ended).</param>
/// <param name="At">When, cloud clock.</param>
public sealed record AgentFlood(AgentId Agent, bool Flooding, long Refused, DateTimeOffset At);

/// <summary>Over-budget messages refused in one minute but not kept row by row, for one summary dead letter.</summary>
/// <param name="Agent">The agent.</param>
/// <param name="Refused">How many were refused and not kept.</param>
/// <param name="From">Start of the minute.</param>
public sealed record FloodSummary(AgentId Agent, long Refused, DateTimeOffset From);

/// <summary>
/// Each agent's message budget: a token bucket of
/// <see cref="IngestOptions.AgentMessagesPerSecond"/> with a burst of <see cref="IngestOptions.AgentBurst"/>, replenished from
/// the cloud's <see cref="TimeProvider"/> (so a fake clock drives it in tests). One agent's stolen password then costs
/// the street at most its budget. Refusing a flood must itself be cheap: only the first
/// <see cref="IngestOptions.FloodDeadLettersPerMinute"/> refused messages of a minute are kept, the rest are counted into
/// one summary. Only registered agents get a bucket, so the table is bounded by the manifests. Used by the single
/// ingest processor only.
/// </summary>
public sealed class AgentBudget(IOptions<IngestOptions> options)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Dictionary<AgentId, Bucket> _buckets = [];
    private readonly List<AgentFlood> _changes = [];

    /// <summary>Agents over budget now.</summary>
    public IEnumerable<AgentId> Flooding => _buckets.Where(b => b.Value.Flooding).Select(b => b.Key);

    /// <summary>Takes one message from the agent's budget. False when over it; <paramref name="keep"/> says whether to keep this refusal as its own dead letter.</summary>
    public bool TryTake(AgentId agent, DateTimeOffset now, out bool keep)
    {
        if (!_buckets.TryGetValue(agent, out var bucket))
        {
            _buckets[agent] = bucket = new Bucket(options.Value, now);
        }

        if (bucket.TryTake(now))
        {
            keep = false;
            return true;
        }

        bucket.LastRefused = now;
        bucket.RefusedInWindow++;
        keep = bucket.RefusedInWindow <= options.Value.FloodDeadLettersPerMinute;
        if (!bucket.Flooding || bucket.RefusedInWindow == 1)
        {
            bucket.Flooding = true;
            _changes.Add(new AgentFlood(agent, true, bucket.RefusedInWindow, now));
        }

        return false;
    }

    /// <summary>
    /// Ends minutes that are over: returns the refusals they did not keep (one summary each), and notes the floods that
    /// ended (no refusal for <see cref="IngestOptions.FloodQuietPeriod"/>).
    /// </summary>
    public List<FloodSummary> CloseWindows(DateTimeOffset now)
    {
        var summaries = new List<FloodSummary>();
        foreach (var (agent, bucket) in _buckets)
        {
            if (now - bucket.WindowStart >= Window)
            {
                var unkept = bucket.RefusedInWindow - options.Value.FloodDeadLettersPerMinute;
                if (unkept > 0)
                {
                    summaries.Add(new FloodSummary(agent, unkept, bucket.WindowStart));
                }

                bucket.WindowStart = now;
                bucket.RefusedInWindow = 0;
            }

            if (bucket.Flooding && now - bucket.LastRefused >= options.Value.FloodQuietPeriod)
            {
                bucket.Flooding = false;
                _changes.Add(new AgentFlood(agent, false, 0, now));
            }
        }

        return summaries;
    }

    /// <summary>Floods that began or ended since the last call, for the rules (the <c>agentFlooding</c> alert).</summary>
    public List<AgentFlood> TakeChanges()
    {
        var changes = _changes.ToList();
        _changes.Clear();
        return changes;
    }

    // A token bucket on the cloud's clock. System.Threading.RateLimiting's TokenBucketRateLimiter refills from
    // Stopwatch time even when replenished by hand, so a fake clock could not drive it; this one is a few lines.
    private sealed class Bucket(IngestOptions o, DateTimeOffset now)
    {
        private double _tokens = o.AgentBurst;
        private DateTimeOffset _filled = now;

        public DateTimeOffset WindowStart { get; set; } = now;

        public long RefusedInWindow { get; set; }

        public DateTimeOffset LastRefused { get; set; }

        public bool Flooding { get; set; }

        public bool TryTake(DateTimeOffset at)
        {
            if (at > _filled)
            {
                _tokens = Math.Min(o.AgentBurst, _tokens + ((at - _filled).TotalSeconds * o.AgentMessagesPerSecond));
                _filled = at;
            }

            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}
