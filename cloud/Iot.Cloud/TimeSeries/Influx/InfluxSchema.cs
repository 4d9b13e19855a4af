namespace Iot.Cloud.TimeSeries.Influx;

/// <summary>
/// The InfluxDB layout: readings in measurement <c>reading</c> of retention policy <c>raw</c> (the database's default,
/// kept RawRetention); 1-minute and 1-hour windows in <c>reading_1m</c> and <c>reading_1h</c> of retention policy
/// <c>rollup</c> (kept AggregateRetention), with fields sum, min, max and count and the readings' tags, filled by
/// continuous queries. The hour windows are built from the minute windows (sums and counts add up; means would not).
/// </summary>
internal sealed class InfluxSchema(string database)
{
    public const string RawPolicy = "raw";
    public const string RollupPolicy = "rollup";
    public const string MinuteMeasurement = "reading_1m";
    public const string HourMeasurement = "reading_1h";

    // Continuous queries recompute recent windows again on every run, so readings that arrive a little late
    // (an agent's outbox draining after a short outage) still reach the rollup; ApplyRetentionAsync covers longer delays.
    private const string MinuteResample = "RESAMPLE EVERY 1m FOR 10m";
    private const string HourResample = "RESAMPLE EVERY 1h FOR 2h";

    public string Database { get; } = database;

    public string CreateDatabase => $"CREATE DATABASE {InfluxQl.Ident(Database)}";

    public string ShowRetentionPolicies => $"SHOW RETENTION POLICIES ON {InfluxQl.Ident(Database)}";

    public string RetentionPolicy(string name, TimeSpan duration, bool exists, bool isDefault) =>
        (exists ? "ALTER" : "CREATE") + $" RETENTION POLICY {InfluxQl.Ident(name)} ON {InfluxQl.Ident(Database)} DURATION {InfluxQl.Duration(duration)} REPLICATION 1"
        + (isDefault ? " DEFAULT" : string.Empty);

    public string DropContinuousQuery(string name) => $"DROP CONTINUOUS QUERY {InfluxQl.Ident(name)} ON {InfluxQl.Ident(Database)}";

    public IEnumerable<(string Name, string Create)> ContinuousQueries()
    {
        yield return (MinuteMeasurement, ContinuousQuery(MinuteMeasurement, MinuteResample, MinuteRollup(null)));
        yield return (HourMeasurement, ContinuousQuery(HourMeasurement, HourResample, HourRollup(null)));
    }

    /// <summary>The continuous queries' statements over an explicit, hour-aligned range, minutes first.</summary>
    public string RollupOver(long fromMs, long toMs) =>
        $"{MinuteRollup($"time >= {InfluxQl.Time(fromMs)} AND time < {InfluxQl.Time(toMs)}")}; {HourRollup($"time >= {InfluxQl.Time(fromMs)} AND time < {InfluxQl.Time(toMs)}")}";

    /// <summary>The measurement of the rollup windows of a resolution, fully qualified.</summary>
    public string Rollup(Resolution resolution) =>
        Qualified(RollupPolicy, resolution == Resolution.Hour ? HourMeasurement : MinuteMeasurement);

    private string ContinuousQuery(string name, string resample, string select) =>
        $"CREATE CONTINUOUS QUERY {InfluxQl.Ident(name)} ON {InfluxQl.Ident(Database)} {resample} BEGIN {select} END";

    // GROUP BY * keeps the readings' tags as tags of the windows; without it they would turn into fields.
    private string MinuteRollup(string? where) =>
        $"SELECT sum(\"value\") AS \"sum\", min(\"value\") AS \"min\", max(\"value\") AS \"max\", count(\"value\") AS \"count\" "
        + $"INTO {Qualified(RollupPolicy, MinuteMeasurement)} FROM {Qualified(RawPolicy, LineProtocol.Measurement)}"
        + (where is null ? string.Empty : $" WHERE {where}") + " GROUP BY time(1m), *";

    private string HourRollup(string? where) =>
        $"SELECT sum(\"sum\") AS \"sum\", min(\"min\") AS \"min\", max(\"max\") AS \"max\", sum(\"count\") AS \"count\" "
        + $"INTO {Qualified(RollupPolicy, HourMeasurement)} FROM {Qualified(RollupPolicy, MinuteMeasurement)}"
        + (where is null ? string.Empty : $" WHERE {where}") + " GROUP BY time(1h), *";

    private string Qualified(string policy, string measurement) =>
        $"{InfluxQl.Ident(Database)}.{InfluxQl.Ident(policy)}.{InfluxQl.Ident(measurement)}";
}
