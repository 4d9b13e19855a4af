namespace Iot.Cloud.TimeSeries;

/// <summary>
/// Millisecond timestamps and UTC window boundaries, shared by both backends so they cut time the same way.
/// Stores keep Unix milliseconds; sub-millisecond ticks are dropped (truncated), never rounded up.
/// </summary>
internal static class TimeAlignment
{
    public const long MinuteMs = 60_000;
    public const long HourMs = 3_600_000;

    public static long ToMs(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>The window length of a resolution in milliseconds (Raw has none).</summary>
    public static long WindowMs(Resolution resolution) => resolution switch
    {
        Resolution.Minute => MinuteMs,
        Resolution.Hour => HourMs,
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "raw readings have no window"),
    };

    /// <summary>The start of the window holding <paramref name="ms"/> (UTC; the Unix epoch is on every boundary).</summary>
    public static long Floor(long ms, long windowMs) => ms - Mod(ms, windowMs);

    /// <summary>The first window start at or after <paramref name="ms"/>.</summary>
    public static long Ceiling(long ms, long windowMs)
    {
        var floor = Floor(ms, windowMs);
        return floor == ms ? ms : floor + windowMs;
    }

    private static long Mod(long ms, long windowMs) => ((ms % windowMs) + windowMs) % windowMs;
}
