namespace Iot.Cloud.TimeSeries;

/// <summary>
/// How many points one range query may return. The stores stop one past it (SQL and InfluxQL <c>LIMIT</c>), so a
/// caller can tell "exactly the limit" from "more" and no query holds an unbounded answer in memory.
/// </summary>
public static class SeriesLimit
{
    /// <summary>The most points a series answer carries (the API refuses more with 400).</summary>
    public const int MaxPoints = 10_000;

    /// <summary>The rows a store returns at most: one past <see cref="MaxPoints"/>, to show that there were more.</summary>
    public const int StoreRows = MaxPoints + 1;
}
