namespace Iot.Browser.Tests;

/// <summary>
/// The cloud's business time in the browser tests: the system clock, moved forward by a test that needs time to pass (an
/// order falling overdue) without waiting for it. Only "now" moves; timers stay on real time, so the cloud's loops (the
/// rules' tick, the live feed) run as they always do and see the later time on their next turn.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _shiftTicks;

    /// <summary>How far ahead of the system clock the cloud's time is.</summary>
    public TimeSpan Shift => TimeSpan.FromTicks(Interlocked.Read(ref _shiftTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Shift;

    /// <summary>Moves the cloud's time forward by <paramref name="by"/> (never back: stored times stay in order).</summary>
    public void MoveForward(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _shiftTicks, by.Ticks);
    }
}
