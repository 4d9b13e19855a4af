using System.Diagnostics.Metrics;
using Iot.Cloud.TimeSeries;
using Iot.Protocol.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Iot.Testing;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Tests.TimeSeries.ContractData;

namespace Iot.Cloud.Tests.TimeSeries;

/// <summary>
/// The time-series contract: every backend gets the same data and must give the same answers. A backend's test
/// class derives from this one and says only how to configure a fresh, empty store.
/// </summary>
public abstract class TimeSeriesStoreContract : IDisposable
{
    private const double Tolerance = 1e-9;
    private readonly List<IHost> _hosts = [];
    private readonly List<CancellationTokenSource> _deadlines = [];

    protected TimeSeriesStoreContract() => Data = new ContractData(DateTimeOffset.UtcNow);

    internal ContractData Data { get; }

    /// <summary>
    /// A fresh deadline for one step (one call to a store), not one for the whole test: a test that stops and restarts
    /// influxd spends its time in those steps, and no earlier step may eat the later ones' time.
    /// </summary>
    protected CancellationToken Step => Within(TimeSpan.FromSeconds(60));

    /// <summary>A deadline of <paramref name="deadline"/>, stretched by <see cref="Patience"/>, for a step that may take longer.</summary>
    protected CancellationToken Within(TimeSpan deadline)
    {
        var source = new CancellationTokenSource(Patience.Of(deadline));
        _deadlines.Add(source);
        return source.Token;
    }

    [Fact]
    public async Task Latest_returns_the_newest_reading_of_every_sensor_of_a_courtyard()
    {
        var store = await StoreWithDataAsync();

        var latest = await store.LatestAsync(Yikang12, null, Step);

        Assert.Equal(
            [
                new LatestReading(Yikang12, A, Drain, Quantity.WaterLevel, 13.5, Data.T.AddMinutes(2)),
                new LatestReading(Yikang12, A, Lamp, Quantity.Current, 1.20, Data.T.AddMilliseconds(3_630_000)),
                new LatestReading(Yikang12, B, Lamp, Quantity.Current, 2.5, Data.T.AddSeconds(50)),
            ],
            latest);
    }

    [Fact]
    public async Task Latest_for_one_agent_returns_only_that_agents_sensors()
    {
        var store = await StoreWithDataAsync();

        var latest = await store.LatestAsync(Yikang12, B, Step);

        Assert.Equal([new LatestReading(Yikang12, B, Lamp, Quantity.Current, 2.5, Data.T.AddSeconds(50))], latest);
    }

    [Fact]
    public async Task Latest_of_a_courtyard_without_readings_is_empty()
    {
        var store = await StoreWithDataAsync();

        Assert.Empty(await store.LatestAsync(Protocol.Identifiers.CourtyardId.Parse("nobody-here"), null, Step));
    }

    [Fact]
    public async Task Raw_range_is_half_open_oldest_first_in_utc_milliseconds()
    {
        var store = await StoreWithDataAsync();

        var points = await store.RangeAsync(A, Lamp, Data.T.AddSeconds(20), Data.T.AddSeconds(65), Resolution.Raw, Step);

        Assert.Equal(
            [
                new SeriesPoint(Data.T.AddSeconds(20), 0.50, 0.50, 0.50, 1),
                new SeriesPoint(Data.T.AddMilliseconds(40_123), 0.60, 0.60, 0.60, 1),
                new SeriesPoint(Data.T.AddSeconds(60), 0.30, 0.30, 0.30, 1),
            ],
            points);
        Assert.All(points, p => Assert.Equal(TimeSpan.Zero, p.At.Offset));
    }

    [Fact]
    public async Task Minute_windows_are_utc_minutes_with_mean_min_max_and_count_and_empty_ones_omitted()
    {
        var store = await StoreWithDataAsync();

        var points = await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(2), Resolution.Minute, Step);

        AssertWindows(
            [
                new SeriesPoint(Data.T, (0.40 + 0.50 + 0.60) / 3, 0.40, 0.60, 3),
                new SeriesPoint(Data.T.AddMinutes(1), (0.30 + 0.90) / 2, 0.30, 0.90, 2),
                new SeriesPoint(Data.T.AddMinutes(5), 0.70, 0.70, 0.70, 1),
                new SeriesPoint(Data.T.AddMinutes(60), (1.00 + 1.20) / 2, 1.00, 1.20, 2),
            ],
            points);
    }

    [Fact]
    public async Task Hour_windows_are_utc_hours_with_mean_min_max_and_count()
    {
        var store = await StoreWithDataAsync();

        var points = await store.RangeAsync(A, Lamp, Data.T.AddHours(-1), Data.T.AddHours(3), Resolution.Hour, Step);

        AssertWindows(
            [
                new SeriesPoint(Data.T, (0.40 + 0.50 + 0.60 + 0.30 + 0.90 + 0.70) / 6, 0.30, 0.90, 6),
                new SeriesPoint(Data.T.AddHours(1), (1.00 + 1.20) / 2, 1.00, 1.20, 2),
            ],
            points);
    }

    [Fact]
    public async Task A_window_is_returned_whole_when_its_start_lies_in_the_range()
    {
        var store = await StoreWithDataAsync();

        // T+0 starts before 'from'; T+1m is inside; T+5m starts exactly at 'to' (excluded), then 1 ms later (included).
        var upToFive = await store.RangeAsync(A, Lamp, Data.T.AddSeconds(30), Data.T.AddMinutes(5), Resolution.Minute, Step);
        var pastFive = await store.RangeAsync(A, Lamp, Data.T.AddSeconds(30), Data.T.AddMinutes(5).AddMilliseconds(1), Resolution.Minute, Step);

        AssertWindows([new SeriesPoint(Data.T.AddMinutes(1), 0.60, 0.30, 0.90, 2)], upToFive);
        AssertWindows([new SeriesPoint(Data.T.AddMinutes(1), 0.60, 0.30, 0.90, 2), new SeriesPoint(Data.T.AddMinutes(5), 0.70, 0.70, 0.70, 1)], pastFive);
    }

    [Fact]
    public async Task Gaps_include_the_stretches_before_the_first_and_after_the_last_reading()
    {
        var store = await StoreWithDataAsync();

        var gaps = await store.GapsAsync(A, Lamp, Data.T.AddMinutes(-3), Data.T.AddHours(2), TimeSpan.FromMinutes(2), Step);

        Assert.Equal(
            [
                new SeriesGap(Data.T.AddMinutes(-3), Data.T),
                new SeriesGap(Data.T.AddSeconds(65), Data.T.AddMinutes(5)),
                new SeriesGap(Data.T.AddMinutes(5), Data.T.AddMilliseconds(3_610_000)),
                new SeriesGap(Data.T.AddMilliseconds(3_630_000), Data.T.AddHours(2)),
            ],
            gaps);
    }

    [Fact]
    public async Task A_stretch_exactly_as_long_as_the_max_interval_is_no_gap()
    {
        var store = await StoreWithDataAsync();

        // From T-2m to the first reading at T is exactly 2 minutes; T+65s to T+5m is 235 s.
        var gaps = await store.GapsAsync(A, Lamp, Data.T.AddMinutes(-2), Data.T.AddMinutes(6), TimeSpan.FromMinutes(2), Step);

        Assert.Equal([new SeriesGap(Data.T.AddSeconds(65), Data.T.AddMinutes(5))], gaps);
    }

    [Fact]
    public async Task A_sensor_without_readings_is_one_gap_over_the_whole_range()
    {
        var store = await StoreWithDataAsync();

        var gaps = await store.GapsAsync(A, Gate, Data.T, Data.T.AddHours(1), TimeSpan.FromMinutes(5), Step);
        var shortRange = await store.GapsAsync(A, Gate, Data.T, Data.T.AddMinutes(5), TimeSpan.FromMinutes(5), Step);

        Assert.Equal([new SeriesGap(Data.T, Data.T.AddHours(1))], gaps);
        Assert.Empty(shortRange);
    }

    [Fact]
    public async Task Writing_the_same_batch_again_changes_no_count_and_no_window()
    {
        var store = await StoreWithDataAsync();
        var raw = await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(2), Resolution.Raw, Step);
        var minutes = await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(2), Resolution.Minute, Step);
        var hours = await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(2), Resolution.Hour, Step);

        await store.WriteAsync(Data.Readings, Step);
        await store.WriteAsync([.. Data.Readings, .. Data.Readings], Step);

        Assert.Equal(raw, await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(2), Resolution.Raw, Step));
        AssertWindows(minutes, await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(2), Resolution.Minute, Step));
        AssertWindows(hours, await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(2), Resolution.Hour, Step));
        Assert.Equal(8, raw.Count);
        Assert.Equal(8, hours.Sum(h => h.Count));
    }

    [Fact]
    public async Task A_batch_mixing_stored_and_new_readings_counts_only_the_new_ones()
    {
        var store = await StoreWithDataAsync();
        var fresh = new StoredReading(Yikang12, A, Lamp, Quantity.Current, 0.60, Data.T.AddSeconds(70));

        await store.WriteAsync([.. Data.Readings.Take(6), fresh, .. Data.Readings.Skip(6)], Step);

        AssertWindows(
            [new SeriesPoint(Data.T.AddMinutes(1), (0.30 + 0.90 + 0.60) / 3, 0.30, 0.90, 3)],
            await store.RangeAsync(A, Lamp, Data.T.AddMinutes(1), Data.T.AddMinutes(2), Resolution.Minute, Step));
        AssertWindows(
            [new SeriesPoint(Data.T, (0.40 + 0.50 + 0.60 + 0.30 + 0.90 + 0.70 + 0.60) / 7, 0.30, 0.90, 7)],
            await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(1), Resolution.Hour, Step));
    }

    [Fact]
    public async Task A_range_stops_one_past_the_point_limit_with_the_oldest_points()
    {
        // The query itself is bounded (SQL LIMIT, InfluxQL LIMIT): a long series is never read whole into memory.
        var store = await NewStoreAsync();
        var readings = Enumerable.Range(0, SeriesLimit.StoreRows + 499).Select(i => new StoredReading(Yikang12, A, Lamp, Quantity.Current, i, Data.T.AddSeconds(i))).ToList();
        await store.WriteAsync(readings, Within(TimeSpan.FromSeconds(120)));

        var raw = await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(4), Resolution.Raw, Step);

        Assert.Equal(SeriesLimit.StoreRows, raw.Count);
        Assert.Equal(Data.T, raw[0].At);
        Assert.Equal(Data.T.AddSeconds(SeriesLimit.MaxPoints), raw[^1].At);
    }

    [Fact]
    public async Task Courtyards_and_agents_do_not_mix_even_with_the_same_sensor_id()
    {
        var store = await StoreWithDataAsync();

        var b = await store.RangeAsync(B, Lamp, Data.T, Data.T.AddHours(2), Resolution.Raw, Step);
        var c = await store.RangeAsync(C, Lamp, Data.T, Data.T.AddHours(2), Resolution.Hour, Step);
        var yikang14 = await store.LatestAsync(Yikang14, null, Step);

        Assert.Equal([2.0, 2.5], b.Select(p => p.Mean));
        AssertWindows([new SeriesPoint(Data.T, 9.0, 9.0, 9.0, 1), new SeriesPoint(Data.T.AddHours(1), 9.5, 9.5, 9.5, 1)], c);
        Assert.Equal([new LatestReading(Yikang14, C, Lamp, Quantity.Current, 9.5, Data.T.AddMinutes(110))], yikang14);
        Assert.Empty(await store.LatestAsync(Yikang14, A, Step));
    }

    [Fact]
    public async Task Minute_and_hour_windows_outlive_raw_retention()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = await NewStoreAsync(clock, ("TimeSeries:RawRetention", "02:00:00"));

        // H: a whole hour at least 15 minutes inside the two hours of raw retention (making the store and writing may take
        // a while, and a real influxd refuses what is already past it), so its readings, up to H+10 min, are at least
        // 35 minutes in the past.
        var safelyInside = clock.GetUtcNow().ToUnixTimeMilliseconds() - 7_200_000 + 900_000;
        var h = DateTimeOffset.FromUnixTimeMilliseconds((safelyInside + 3_599_999) / 3_600_000 * 3_600_000);
        StoredReading At(TimeSpan after, double value) => new(Yikang12, A, Lamp, Quantity.Current, value, h + after);
        await store.WriteAsync([At(TimeSpan.FromSeconds(1), 2.0), At(TimeSpan.FromSeconds(2), 4.0), At(TimeSpan.FromSeconds(30), 9.0), At(TimeSpan.FromMinutes(10), 1.0)], Step);

        // Retention runs now and again three hours later, as the maintenance service would.
        await store.ApplyRetentionAsync(clock.GetUtcNow(), Step);
        clock.Advance(TimeSpan.FromHours(3));
        await store.ApplyRetentionAsync(clock.GetUtcNow(), Step);

        AssertWindows(
            [new SeriesPoint(h, 5.0, 2.0, 9.0, 3), new SeriesPoint(h.AddMinutes(10), 1.0, 1.0, 1.0, 1)],
            await store.RangeAsync(A, Lamp, h, h.AddHours(1), Resolution.Minute, Step));
        AssertWindows([new SeriesPoint(h, 4.0, 1.0, 9.0, 4)], await store.RangeAsync(A, Lamp, h, h.AddHours(1), Resolution.Hour, Step));
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var host in _hosts)
            {
                host.Dispose();
            }

            foreach (var deadline in _deadlines)
            {
                deadline.Dispose();
            }
        }
    }

    /// <summary>Settings for a fresh, empty store of the backend under test (a new file, a new database).</summary>
    protected abstract Dictionary<string, string?> FreshStoreSettings();

    /// <summary>A store built by AddTimeSeries from <see cref="FreshStoreSettings"/> plus <paramref name="settings"/>, initialized.</summary>
    protected async Task<ITimeSeriesStore> NewStoreAsync(TimeProvider? time = null, params (string Key, string Value)[] settings) =>
        (await NewStoreWithMetersAsync(time, settings)).Store;

    /// <summary>As <see cref="NewStoreAsync"/>, with the meter factory its metrics are on (metrics of parallel tests stay apart).</summary>
    protected async Task<(ITimeSeriesStore Store, IMeterFactory Meters)> NewStoreWithMetersAsync(TimeProvider? time = null, params (string Key, string Value)[] settings)
    {
        var all = FreshStoreSettings();
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var host = StoreHost.Build(all, time);
        _hosts.Add(host);
        var store = host.Services.GetRequiredService<ITimeSeriesStore>();
        await store.InitializeAsync(Step);
        return (store, host.Services.GetRequiredService<IMeterFactory>());
    }

    protected async Task<ITimeSeriesStore> StoreWithDataAsync()
    {
        var store = await NewStoreAsync();
        await store.WriteAsync(Data.Readings, Step);
        return store;
    }

    private static void AssertWindows(IReadOnlyList<SeriesPoint> expected, IReadOnlyList<SeriesPoint> actual)
    {
        Assert.Equal(expected.Select(p => (p.At, p.Count)), actual.Select(p => (p.At, p.Count)));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Mean, actual[i].Mean, Tolerance);
            Assert.Equal(expected[i].Min, actual[i].Min, Tolerance);
            Assert.Equal(expected[i].Max, actual[i].Max, Tolerance);
        }
    }
}
