using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
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
/// one summary. Only registered agents get a bucket, so the table is bounded by the manifests. Shared by both ingest
/// lanes (telemetry and events: an agent has one budget), so every call takes a lock; each is a few operations.
/// </summary>
public sealed class AgentBudget(IOptions<IngestOptions> options)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Dictionary<AgentId, Bucket> _buckets = [];
    private readonly List<AgentFlood> _changes = [];
    private readonly Lock _gate = new();

    /// <summary>Takes one message from the agent's budget. False when over it; <paramref name="keep"/> says whether to keep this refusal as its own dead letter.</summary>
    public bool TryTake(AgentId agent, DateTimeOffset now, out bool keep)
    {
        lock (_gate)
        {
            var bucket = BucketOf(agent, now);
            keep = false;
            return bucket.Messages.TryTake(now) || Refuse(agent, bucket, now, out keep);
        }
    }

    /// <summary>
    /// Admits a message of <paramref name="boot"/>: a boot the agent used lately is free; a new one takes a token of
    /// <see cref="IngestOptions.MaxLiveBootsPerAgent"/> that comes back one per <see cref="IngestOptions.NewBootInterval"/>.
    /// A flood with a new boot in every message is refused here, before it costs a dedupe window, a boot closed and a
    /// database row each. Call after <see cref="TryTake"/>.
    /// </summary>
    public bool TryBoot(AgentId agent, string boot, DateTimeOffset now, out bool keep)
    {
        lock (_gate)
        {
            var bucket = BucketOf(agent, now);
            keep = false;
            if (bucket.RecentBoots.Remove(boot))
            {
                bucket.RecentBoots.Insert(0, boot);
                return true;
            }

            if (!bucket.Boots.TryTake(now))
            {
                return Refuse(agent, bucket, now, out keep);
            }

            bucket.RecentBoots.Insert(0, boot);
            if (bucket.RecentBoots.Count > 2 * options.Value.MaxLiveBootsPerAgent)
            {
                bucket.RecentBoots.RemoveAt(bucket.RecentBoots.Count - 1);
            }

            return true;
        }
    }

    /// <summary>
    /// Admits a message's sensors: an agent may use at most <see cref="IngestOptions.MaxSensorsPerDevice"/> distinct
    /// sensors per device of its manifest, each a series of its own. Past that, a message with a sensor never seen is
    /// refused whole (an honest agent never gets there; a stolen password would open a series per message).
    /// </summary>
    public bool TrySensors(AgentId agent, IReadOnlyList<Reading> readings, IReadOnlyCollection<DeviceId> devices, DateTimeOffset now, out bool keep)
    {
        lock (_gate)
        {
            var bucket = BucketOf(agent, now);
            keep = false;
            var cap = devices.Count * options.Value.MaxSensorsPerDevice;
            foreach (var reading in readings)
            {
                // Sensors of devices the manifest does not list are refused one by one later, with their names.
                if (!bucket.Sensors.Contains(reading.Sensor) && devices.Contains(reading.Sensor.Device) && (bucket.Sensors.Count >= cap || !bucket.Sensors.Add(reading.Sensor)))
                {
                    return Refuse(agent, bucket, now, out keep);
                }
            }

            return true;
        }
    }

    private Bucket BucketOf(AgentId agent, DateTimeOffset now)
    {
        if (!_buckets.TryGetValue(agent, out var bucket))
        {
            _buckets[agent] = bucket = new Bucket(options.Value, now);
        }

        return bucket;
    }

    // A refusal: counted in the minute, kept one by one only for the first few, and the start of a flood noted.
    private bool Refuse(AgentId agent, Bucket bucket, DateTimeOffset now, out bool keep)
    {
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
        lock (_gate)
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
    }

    /// <summary>Floods that began or ended since the last call, for the rules (the <c>agentFlooding</c> alert).</summary>
    public List<AgentFlood> TakeChanges()
    {
        lock (_gate)
        {
            var changes = _changes.ToList();
            _changes.Clear();
            return changes;
        }
    }

    private sealed class Bucket(IngestOptions o, DateTimeOffset now)
    {
        public TokenBucket Messages { get; } = new(o.AgentBurst, o.AgentMessagesPerSecond, now);

        public TokenBucket Boots { get; } = new(o.MaxLiveBootsPerAgent, 1 / o.NewBootInterval.TotalSeconds, now);

        /// <summary>Boots used lately, most recent first (twice the live cap, so a live boot is never charged again).</summary>
        public List<string> RecentBoots { get; } = [];

        /// <summary>Sensors seen (bounded by the agent's devices × <see cref="IngestOptions.MaxSensorsPerDevice"/>).</summary>
        public HashSet<SensorId> Sensors { get; } = [];

        public DateTimeOffset WindowStart { get; set; } = now;

        public long RefusedInWindow { get; set; }

        public DateTimeOffset LastRefused { get; set; }

        public bool Flooding { get; set; }
    }

    // A token bucket on the cloud's clock. System.Threading.RateLimiting's TokenBucketRateLimiter refills from
    // Stopwatch time even when replenished by hand, so a fake clock could not drive it; this one is a few lines.
    private sealed class TokenBucket(double capacity, double perSecond, DateTimeOffset now)
    {
        private readonly double _capacity = capacity;
        private double _tokens = capacity;
        private DateTimeOffset _filled = now;

        public bool TryTake(DateTimeOffset at)
        {
            if (at > _filled)
            {
                _tokens = Math.Min(_capacity, _tokens + ((at - _filled).TotalSeconds * perSecond));
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
