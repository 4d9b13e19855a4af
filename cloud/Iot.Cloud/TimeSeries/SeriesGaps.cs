namespace Iot.Cloud.TimeSeries;

/// <summary>
/// The one definition of a gap, used by both backends. With the readings of a sensor in [from, to) at times
/// t1 &lt; … &lt; tn, the boundaries are from, t1, …, tn, to; every pair of neighbours further apart than
/// maxInterval (strictly) is a gap, stamped with those two boundaries. Without readings, [from, to) is one gap
/// when it is longer than maxInterval. Gaps come from raw readings, so past raw retention everything is a gap.
/// </summary>
internal static class SeriesGaps
{
    /// <summary>Assembles the gaps from the first and last reading and the inner gaps the backend found.</summary>
    /// <param name="fromMs">Range start, inclusive.</param>
    /// <param name="toMs">Range end, exclusive.</param>
    /// <param name="maxIntervalMs">Longest stretch without a reading that is not a gap.</param>
    /// <param name="firstMs">The first reading in range, or null when there is none.</param>
    /// <param name="lastMs">The last reading in range, or null when there is none.</param>
    /// <param name="innerGaps">Pairs of neighbouring readings further apart than maxInterval, oldest first.</param>
    public static IReadOnlyList<SeriesGap> Assemble(long fromMs, long toMs, long maxIntervalMs, long? firstMs, long? lastMs, IEnumerable<(long From, long To)> innerGaps)
    {
        var gaps = new List<SeriesGap>();
        if (firstMs is not { } first || lastMs is not { } last)
        {
            Add(gaps, fromMs, toMs, maxIntervalMs);
            return gaps;
        }

        Add(gaps, fromMs, first, maxIntervalMs);
        foreach (var (from, to) in innerGaps)
        {
            Add(gaps, from, to, maxIntervalMs);
        }

        Add(gaps, last, toMs, maxIntervalMs);
        return gaps;
    }

    /// <summary>Milliseconds of a gap threshold; at least 1 so that readings at the same millisecond are never a gap.</summary>
    public static long ThresholdMs(TimeSpan maxInterval) =>
        maxInterval > TimeSpan.Zero ? (long)maxInterval.TotalMilliseconds : throw new ArgumentOutOfRangeException(nameof(maxInterval), maxInterval, "must be positive");

    private static void Add(List<SeriesGap> gaps, long from, long to, long maxIntervalMs)
    {
        if (to - from > maxIntervalMs)
        {
            gaps.Add(new SeriesGap(TimeAlignment.FromMs(from), TimeAlignment.FromMs(to)));
        }
    }
}
