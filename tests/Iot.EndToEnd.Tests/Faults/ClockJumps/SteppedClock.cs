namespace Iot.EndToEnd.Tests.Faults.ClockJumps;

/// <summary>
/// A wall clock that can be set and stepped like a Pi's (no real-time clock, then NTP), over the machine's real
/// monotonic clock: elapsed time and timers run as usual, only <see cref="GetUtcNow"/> jumps. The machine clock is
/// never touched.
/// </summary>
public sealed class SteppedClock : TimeProvider
{
    private long _offsetTicks;

    /// <summary>The wall clock's error now (what it reads minus the real time).</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Sets the wall clock to read <paramref name="now"/> at this real instant.</summary>
    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _offsetTicks, (now - System.GetUtcNow()).Ticks);

    /// <summary>Steps the wall clock by <paramref name="step"/> (negative: backwards).</summary>
    public void Step(TimeSpan step) => Interlocked.Add(ref _offsetTicks, step.Ticks);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <inheritdoc />
    public override long GetTimestamp() => System.GetTimestamp();

    /// <inheritdoc />
    public override long TimestampFrequency => System.TimestampFrequency;
}
