using Microsoft.Data.Sqlite;

namespace Iot.Cloud.TimeSeries.Sqlite;

/// <summary>
/// The SQLite layout. A sensor (agent + sensor id) is one row of <c>series</c>; readings and aggregates refer to it
/// by number, which keeps the hot tables narrow. Times are Unix milliseconds (UTC); aggregate rows are stamped with
/// their window's start.
/// </summary>
/// <remarks>
/// Readings and windows are keyed by (block, time, series), WITHOUT ROWID, where a block is 32 consecutive series ids:
/// an agent's sensors, whose ids are handed out together when its first message arrives. A telemetry batch then
/// appends to the end of each block it touches, a page or two per agent, where keyed by (series, time) it dirtied a page
/// per sensor, and SQLite wrote each such page whole to the log at every commit (bench/README.md, "SQLite write"). A
/// sensor's range is still one walk of the key: the block's rows in that time range, filtered to the sensor.
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>Series ids per block, as a shift: block = series &gt;&gt; 5.</summary>
    public const int BlockShift = 5;

    /// <summary>The layout's version (<c>PRAGMA user_version</c>): 0 is the first one, keyed by (series, time).</summary>
    public const int Version = 2;

    private const string Tables = """
        CREATE TABLE IF NOT EXISTS series (
            id INTEGER PRIMARY KEY,
            agent TEXT NOT NULL,
            sensor TEXT NOT NULL,
            courtyard TEXT NOT NULL,
            quantity TEXT NOT NULL,
            UNIQUE (agent, sensor));
        CREATE INDEX IF NOT EXISTS series_by_courtyard ON series (courtyard, agent);
        CREATE TABLE IF NOT EXISTS raw (
            block INTEGER NOT NULL,
            at INTEGER NOT NULL,
            series INTEGER NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (block, at, series)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS minute (
            block INTEGER NOT NULL,
            start INTEGER NOT NULL,
            series INTEGER NOT NULL,
            count INTEGER NOT NULL,
            sum REAL NOT NULL,
            min REAL NOT NULL,
            max REAL NOT NULL,
            PRIMARY KEY (block, start, series)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS hour (
            block INTEGER NOT NULL,
            start INTEGER NOT NULL,
            series INTEGER NOT NULL,
            count INTEGER NOT NULL,
            sum REAL NOT NULL,
            min REAL NOT NULL,
            max REAL NOT NULL,
            PRIMARY KEY (block, start, series)) WITHOUT ROWID;
        """;

    // The first layout's tables, renamed, copied into the new ones in key order and dropped, in one transaction: a
    // failure leaves the old layout as it was.
    private static readonly string Upgrade = $"""
        ALTER TABLE raw RENAME TO raw_by_series;
        ALTER TABLE minute RENAME TO minute_by_series;
        ALTER TABLE hour RENAME TO hour_by_series;
        {Tables}
        INSERT INTO raw (block, at, series, value)
            SELECT series >> {BlockShift}, at, series, value FROM raw_by_series ORDER BY series >> {BlockShift}, at, series;
        INSERT INTO minute (block, start, series, count, sum, min, max)
            SELECT series >> {BlockShift}, start, series, count, sum, min, max FROM minute_by_series ORDER BY series >> {BlockShift}, start, series;
        INSERT INTO hour (block, start, series, count, sum, min, max)
            SELECT series >> {BlockShift}, start, series, count, sum, min, max FROM hour_by_series ORDER BY series >> {BlockShift}, start, series;
        DROP TABLE raw_by_series;
        DROP TABLE minute_by_series;
        DROP TABLE hour_by_series;
        """;

    /// <summary>Creates the tables, or moves a file of the first layout to this one; returns true if it moved one.</summary>
    public static bool CreateOrUpgrade(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var transaction = connection.BeginTransaction(deferred: false);
        var version = Scalar(transaction, "PRAGMA user_version");
        var upgrading = version < Version && Scalar(transaction, "SELECT count(*) FROM sqlite_schema WHERE name = 'raw'") > 0;
        if (version > Version)
        {
            throw new InvalidOperationException($"the time-series file has layout {version}, newer than this cloud's {Version}: run the newer cloud");
        }

        Execute(transaction, upgrading ? Upgrade : Tables);
        Execute(transaction, $"PRAGMA user_version = {Version}");
        transaction.Commit();
        return upgrading;
    }

    /// <summary>The aggregate table of a resolution.</summary>
    public static string AggregateTable(Resolution resolution) => resolution switch
    {
        Resolution.Minute => "minute",
        Resolution.Hour => "hour",
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "raw readings have no aggregate table"),
    };

    private static long Scalar(SqliteTransaction transaction, string sql)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteTransaction transaction, string sql)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
