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

    [Fact]
    public async Task A_file_of_the_first_layout_is_moved_to_blocks_keeping_every_reading_and_window()
    {
        var path = Path.Combine(_folder, "first-layout.db");
        var original = await NewStoreAsync(null, ("TimeSeries:SqlitePath", path));
        await original.WriteAsync(Data.Readings, Step);
        var before = await AnswersAsync(original);
        await ExecuteAsync(path, FirstLayout);

        var moved = await NewStoreAsync(null, ("TimeSeries:SqlitePath", path));

        Assert.Equal(before, await AnswersAsync(moved));
        Assert.Equal(2L, await ScalarAsync(path, "PRAGMA user_version"));
        Assert.Equal(0L, await ScalarAsync(path, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%by_series'"));
        Assert.Equal((long)Data.Readings.Count, await ScalarAsync(path, "SELECT count(*) FROM raw"));

        // Writing on goes on counting into the moved windows, and a reading moved along is not stored twice.
        await moved.WriteAsync([Data.Readings[0], new(Yikang12, A, Lamp, Quantity.Current, 5.0, Data.T.AddMinutes(1).AddSeconds(30))], Step);
        var minutes = await moved.RangeAsync(A, Lamp, Data.T, Data.T.AddMinutes(2), Resolution.Minute, Step);
        Assert.Equal([3L, 3L], minutes.Select(m => m.Count));
    }

    [Fact]
    public async Task A_file_of_a_newer_layout_is_refused_and_left_as_it_is()
    {
        var path = Path.Combine(_folder, "newer.db");
        await NewStoreAsync(null, ("TimeSeries:SqlitePath", path));
        await ExecuteAsync(path, "PRAGMA user_version = 3");

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => NewStoreAsync(null, ("TimeSeries:SqlitePath", path)));

        Assert.Contains("layout 3, newer than this cloud's 2", AllMessages(refused), StringComparison.Ordinal);
        Assert.Equal(3L, await ScalarAsync(path, "PRAGMA user_version"));
    }

    // The tables as the first release made them, keyed by (series, time), filled from the new ones.
    private const string FirstLayout = """
        CREATE TABLE raw_first (series INTEGER NOT NULL, at INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (series, at)) WITHOUT ROWID;
        INSERT INTO raw_first SELECT series, at, value FROM raw;
        CREATE TABLE minute_first (series INTEGER NOT NULL, start INTEGER NOT NULL, count INTEGER NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (series, start)) WITHOUT ROWID;
        INSERT INTO minute_first SELECT series, start, count, sum, min, max FROM minute;
        CREATE TABLE hour_first (series INTEGER NOT NULL, start INTEGER NOT NULL, count INTEGER NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (series, start)) WITHOUT ROWID;
        INSERT INTO hour_first SELECT series, start, count, sum, min, max FROM hour;
        DROP TABLE raw; DROP TABLE minute; DROP TABLE hour;
        ALTER TABLE raw_first RENAME TO raw; ALTER TABLE minute_first RENAME TO minute; ALTER TABLE hour_first RENAME TO hour;
        PRAGMA user_version = 0;
        """;

    private static string AllMessages(Exception e) => e.InnerException is null ? e.Message : $"{e.Message} {AllMessages(e.InnerException)}";

    // Every question the contract asks, as text to compare.
    private async Task<string> AnswersAsync(ITimeSeriesStore store)
    {
        var answers = new List<string>();
        foreach (var courtyard in new[] { Yikang12, Yikang14 })
        {
            answers.AddRange((await store.LatestAsync(courtyard, null, Step)).Select(l => l.ToString()));
        }

        foreach (var (agent, sensor) in new[] { (A, Lamp), (A, Drain), (B, Lamp), (C, Lamp) })
        {
            foreach (var resolution in new[] { Resolution.Raw, Resolution.Minute, Resolution.Hour })
            {
                answers.AddRange((await store.RangeAsync(agent, sensor, Data.T.AddHours(-1), Data.T.AddHours(3), resolution, Step)).Select(p => $"{agent} {sensor} {resolution} {p}"));
            }

            answers.AddRange((await store.GapsAsync(agent, sensor, Data.T.AddHours(-1), Data.T.AddHours(3), TimeSpan.FromMinutes(1), Step)).Select(g => $"{agent} {sensor} {g}"));
        }

        return string.Join('\n', answers);
    }

    private static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
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
