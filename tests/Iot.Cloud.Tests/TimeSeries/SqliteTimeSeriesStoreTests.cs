using Iot.Cloud.TimeSeries;
using Iot.Cloud.TimeSeries.Sqlite;
using Iot.Protocol.Messages;
using Microsoft.Data.Sqlite;
using static Iot.Cloud.Tests.TimeSeries.ContractData;

namespace Iot.Cloud.Tests.TimeSeries;

/// <summary>The contract on SQLite (a fresh file per store), plus what only SQLite does itself: deleting by retention.</summary>
public sealed class SqliteTimeSeriesStoreTests : TimeSeriesStoreContract
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iot-ts-sqlite-").FullName;
    private int _stores;

    [Fact]
    public async Task Store_creates_its_folder_and_file_in_wal_mode()
    {
        var path = Path.Combine(_folder, "nested", "deeper", "timeseries.db");

        var store = await NewStoreAsync(null, ("TimeSeries:SqlitePath", path));

        Assert.True(File.Exists(path));
        Assert.True(await store.IsReachableAsync(Step));
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(Step);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync(Step));
    }

    [Fact]
    public async Task Retention_deletes_raw_readings_then_windows_each_past_its_own_retention()
    {
        var store = await NewStoreAsync(null, ("TimeSeries:RawRetention", "1.00:00:00"), ("TimeSeries:AggregateRetention", "10.00:00:00"));
        var now = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        StoredReading Ago(TimeSpan age, double value) => new(Yikang12, A, Lamp, Quantity.Current, value, now - age);
        await store.WriteAsync([Ago(TimeSpan.FromDays(12), 1), Ago(TimeSpan.FromDays(3), 2), Ago(TimeSpan.FromHours(1), 3)], Step);

        await store.ApplyRetentionAsync(now, Step);

        var all = (From: now.AddDays(-30), To: now);
        Assert.Equal([3.0], (await store.RangeAsync(A, Lamp, all.From, all.To, Resolution.Raw, Step)).Select(p => p.Mean));
        Assert.Equal([now.AddDays(-3), now.AddHours(-1)], (await store.RangeAsync(A, Lamp, all.From, all.To, Resolution.Hour, Step)).Select(p => p.At));
        Assert.Equal([now.AddDays(-3), now.AddHours(-1)], (await store.RangeAsync(A, Lamp, all.From, all.To, Resolution.Minute, Step)).Select(p => p.At));
    }

    [Fact]
    public async Task Raw_readings_are_gone_after_raw_retention_while_hour_windows_remain()
    {
        var store = await StoreWithDataAsync();

        await store.ApplyRetentionAsync(Data.T.AddDays(31), Step);

        Assert.Empty(await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(2), Resolution.Raw, Step));
        Assert.Empty(await store.LatestAsync(Yikang12, null, Step));
        Assert.Equal([6L, 2L], (await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(2), Resolution.Hour, Step)).Select(p => p.Count));
        Assert.IsType<SqliteTimeSeriesStore>(store);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    protected override Dictionary<string, string?> FreshStoreSettings() => new()
    {
        ["TimeSeries:Backend"] = "Sqlite",
        ["TimeSeries:SqlitePath"] = Path.Combine(_folder, $"store-{Interlocked.Increment(ref _stores)}.db"),
    };
}
