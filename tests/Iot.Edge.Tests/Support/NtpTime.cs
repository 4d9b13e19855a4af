using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Support;

/// <summary>
/// A fake clock whose wall time can be set as NTP sets a Pi's (<see cref="Sync"/>) while its monotonic clock runs on, as
/// the kernel's does. <see cref="FakeTimeProvider.SetUtcNow"/> moves both, and would make a boot 56 years long.
/// </summary>
public sealed class NtpTime(DateTimeOffset start) : FakeTimeProvider(start)
{
    private TimeSpan _offset;

    /// <summary>Sets the wall clock to <paramref name="now"/>, leaving the monotonic clock and the timers where they are.</summary>
    public void Sync(DateTimeOffset now) => _offset = now - base.GetUtcNow();

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>The monotonic clock: the fake's own time, without the wall clock's offset.</summary>
    public override long GetTimestamp() => base.GetUtcNow().UtcTicks;
}
