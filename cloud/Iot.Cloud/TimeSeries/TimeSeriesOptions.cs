namespace Iot.Cloud.TimeSeries;

/// <summary>Which time-series backend to use, and how (section <c>TimeSeries</c>).</summary>
public sealed class TimeSeriesOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "TimeSeries";

    /// <summary><c>Sqlite</c> (default, a file under ./data) or <c>Influx</c>.</summary>
    public TimeSeriesBackend Backend { get; set; } = TimeSeriesBackend.Sqlite;

    /// <summary>The SQLite file for readings.</summary>
    public string SqlitePath { get; set; } = "data/timeseries.db";

    /// <summary>How long raw readings are kept.</summary>
    public TimeSpan RawRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long the 1-minute and 1-hour aggregates are kept.</summary>
    public TimeSpan AggregateRetention { get; set; } = TimeSpan.FromDays(730);

    /// <summary>
    /// Series ids the SQLite writer keeps in memory; past this it starts again empty (ids are looked up on demand). Sized
    /// for a city: 10,000 courtyards of up to about 50 series each. Below the series in use it thrashes, and every
    /// reading pays an upsert: at 100,000 the city bench's 240,000 series cost the cloud a fifth of its CPU
    /// (bench/README.md, "City scale (issue 16, third round)").
    /// </summary>
    public int MaxCachedSeries { get; set; } = 500_000;

    /// <summary>InfluxDB settings, used when <see cref="Backend"/> is Influx.</summary>
    public InfluxOptions Influx { get; set; } = new();
}

/// <summary>The time-series backends.</summary>
public enum TimeSeriesBackend
{
    /// <summary>A local SQLite file.</summary>
    Sqlite,

    /// <summary>InfluxDB through its v1 HTTP API (/write, /query): InfluxDB 1.x, 2.x (v1 compatibility) and 3.</summary>
    Influx,
}

/// <summary>InfluxDB connection (section <c>TimeSeries:Influx</c>).</summary>
public sealed class InfluxOptions
{
    /// <summary>Base URL, e.g. http://127.0.0.1:8086.</summary>
    public Uri Url { get; set; } = new("http://127.0.0.1:8086");

    /// <summary>Database name.</summary>
    public string Database { get; set; } = "estate";

    /// <summary>User name, when authentication is on.</summary>
    public string? Username { get; set; }

    /// <summary>Password, when authentication is on (from an environment variable or a secret, never a file in git).</summary>
    public string? Password { get; set; }

    /// <summary>Readings per HTTP write: InfluxDB documents 5,000 to 10,000 points per request as its best size.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>HTTP writes of one batch sent at once (a batch larger than <see cref="BatchSize"/> goes out in parts).</summary>
    public int WritesInFlight { get; set; } = 4;

    /// <summary>Gzip the line protocol (Content-Encoding: gzip): 13 times fewer bytes on the wire for about 0.2 µs a reading.</summary>
    public bool Gzip { get; set; } = true;
}
