namespace Iot.Cloud.TimeSeries.Sqlite;

/// <summary>
/// The SQLite layout. A sensor (agent + sensor id) is one row of <c>series</c>; readings and aggregates refer to it
/// by number, which keeps the hot tables narrow. Tables keyed by (series, time) WITHOUT ROWID, so range scans,
/// re-write detection and retention deletes all walk the primary key, and no second index slows writes down.
/// Times are Unix milliseconds (UTC); aggregate rows are stamped with their window's start.
/// </summary>
internal static class SqliteSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS series (
            id INTEGER PRIMARY KEY,
            agent TEXT NOT NULL,
            sensor TEXT NOT NULL,
            courtyard TEXT NOT NULL,
            quantity TEXT NOT NULL,
            UNIQUE (agent, sensor));
        CREATE INDEX IF NOT EXISTS series_by_courtyard ON series (courtyard, agent);
        CREATE TABLE IF NOT EXISTS raw (
            series INTEGER NOT NULL,
            at INTEGER NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (series, at)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS minute (
            series INTEGER NOT NULL,
            start INTEGER NOT NULL,
            count INTEGER NOT NULL,
            sum REAL NOT NULL,
            min REAL NOT NULL,
            max REAL NOT NULL,
            PRIMARY KEY (series, start)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS hour (
            series INTEGER NOT NULL,
            start INTEGER NOT NULL,
            count INTEGER NOT NULL,
            sum REAL NOT NULL,
            min REAL NOT NULL,
            max REAL NOT NULL,
            PRIMARY KEY (series, start)) WITHOUT ROWID;
        """;

    /// <summary>The aggregate table of a resolution.</summary>
    public static string AggregateTable(Resolution resolution) => resolution switch
    {
        Resolution.Minute => "minute",
        Resolution.Hour => "hour",
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "raw readings have no aggregate table"),
    };
}
