using System.Security.Cryptography;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Edge.Agent;

/// <summary>
/// The agent's sense of time. A Pi has no real-time clock: until the clock is synced, everything is stamped
/// with <c>bootMs</c> (milliseconds since this run began, from the monotonic clock); once synced, with UTC.
/// Each run has a random boot id, so the cloud can tell runs apart and place their boot-relative times.
/// </summary>
public sealed class AgentClock
{
    private readonly TimeProvider _time;
    private readonly ClockMode _mode;
    private readonly long _start;

    /// <summary>Starts the run's clock.</summary>
    public AgentClock(TimeProvider time, ClockMode mode)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _mode = mode;
        _start = time.GetTimestamp();
        Boot = BootId.Parse(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        BeganUnsynced = !IsSynced;
    }

    /// <summary>Whether this run began before the clock was synced (a Pi's always does after a power cut: it has no real-time clock).</summary>
    public bool BeganUnsynced { get; }

    /// <summary>This run's id.</summary>
    public BootId Boot { get; }

    /// <summary>The time source.</summary>
    public TimeProvider Time => _time;

    /// <summary>Milliseconds since this run began.</summary>
    public long BootMs => (long)_time.GetElapsedTime(_start).TotalMilliseconds;

    /// <summary>Whether <c>at</c> stamps can be trusted now.</summary>
    public bool IsSynced
    {
        get
        {
            var plausible = _time.GetUtcNow() >= MessageLimits.EarliestTime;
            return plausible && (_mode == ClockMode.WallClock || KernelClock.IsSynchronized());
        }
    }

    /// <summary>A time stamp for something happening now: exactly one of the two is set.</summary>
    public (DateTimeOffset? At, long? BootMs) Stamp() => IsSynced ? (_time.GetUtcNow(), null) : (null, BootMs);

    /// <summary>The synced clock and the milliseconds since boot at one moment (a telemetry batch's <c>clock</c>), or null before the sync.</summary>
    public SyncedClock? Synced()
    {
        var bootMs = BootMs;
        return IsSynced ? new SyncedClock(bootMs, _time.GetUtcNow()) : null;
    }

    /// <summary>
    /// The reader's "now" for validating incoming messages: with an unsynced clock (1970 on a Pi) every time
    /// would look like the future, so the future check is left to the sender.
    /// </summary>
    public DateTimeOffset ValidationNow => IsSynced ? _time.GetUtcNow() : DateTimeOffset.MaxValue - TimeSpan.FromDays(1);
}
