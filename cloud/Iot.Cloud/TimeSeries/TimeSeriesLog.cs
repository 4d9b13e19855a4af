namespace Iot.Cloud.TimeSeries;

/// <summary>Log messages of the time-series stores (source-generated: the write path is hot).</summary>
internal static partial class TimeSeriesLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "InfluxDB write of {Count} readings failed ({Reason}); retry {Attempt} in {DelayMs} ms")]
    public static partial void WriteRetry(ILogger logger, int count, string reason, int attempt, long delayMs);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "InfluxDB dropped readings older than its raw retention policy: {Detail}")]
    public static partial void BeyondRetention(ILogger logger, string detail);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "InfluxDB {Version} at {Url}: database {Database} ready (raw kept {RawRetention}, rollup kept {AggregateRetention})")]
    public static partial void InfluxReady(ILogger logger, string version, Uri url, string database, TimeSpan rawRetention, TimeSpan aggregateRetention);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "InfluxDB {Version} at {Url} is not 1.x: database, retention policies and continuous queries are left to that server's own tools (bucket retention, DBRP mapping, tasks)")]
    public static partial void InfluxSchemaNotManaged(ILogger logger, string version, Uri url);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "SQLite time series at {Path} ready")]
    public static partial void SqliteReady(ILogger logger, string path);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "SQLite retention at {Now}: deleted {Raw} raw readings, {Minute} minute and {Hour} hour windows")]
    public static partial void SqliteRetentionApplied(ILogger logger, DateTimeOffset now, int raw, int minute, int hour);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Warning, Message = "SQLite time series {Path} moved to layout {Version} (readings keyed by block of sensors, then time); every reading and window was copied")]
    public static partial void SqliteUpgraded(ILogger logger, string path, int version);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Information, Message = "InfluxDB rollup re-aggregated from {From} to {To} (late readings reach the long-term windows before raw retention drops them)")]
    public static partial void InfluxRolledUp(ILogger logger, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Time-series store could not be initialized; retry in {DelayMs} ms")]
    public static partial void InitializeFailed(ILogger logger, Exception exception, long delayMs);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Error, Message = "Time-series retention pass failed; next pass in {Interval}")]
    public static partial void RetentionFailed(ILogger logger, Exception exception, TimeSpan interval);
}
