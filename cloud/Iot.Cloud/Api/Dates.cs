namespace Iot.Cloud.Api;

/// <summary>Times a query may name: anything this service can hold data for, with room to compute periods around it.</summary>
public static class Dates
{
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Latest = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>True for no time at all, or one between 2000 and 2200 (year 1 or 9999 would overflow the arithmetic on periods).</summary>
    public static bool Plausible(DateTimeOffset? at) => at is null || (at >= Earliest && at <= Latest);
}
