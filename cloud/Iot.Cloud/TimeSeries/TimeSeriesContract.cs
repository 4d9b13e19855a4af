using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.TimeSeries;

/// <summary>A reading placed on the real time line, ready to store. A sensor is identified by agent + sensor id.</summary>
/// <param name="Courtyard">Where the agent is installed.</param>
/// <param name="Agent">The agent that read it.</param>
/// <param name="Sensor">The signal, <c>{device}.{signal}</c>.</param>
/// <param name="Quantity">What was measured.</param>
/// <param name="Value">The value, in the quantity's unit.</param>
/// <param name="At">When it was taken, UTC, millisecond precision.</param>
public sealed record StoredReading(CourtyardId Courtyard, AgentId Agent, SensorId Sensor, Quantity Quantity, double Value, DateTimeOffset At);

/// <summary>The newest stored reading of one sensor.</summary>
public sealed record LatestReading(CourtyardId Courtyard, AgentId Agent, SensorId Sensor, Quantity Quantity, double Value, DateTimeOffset At);

/// <summary>How finely a range is returned.</summary>
public enum Resolution
{
    /// <summary>Every stored reading.</summary>
    Raw,

    /// <summary>One point per UTC minute that has readings.</summary>
    Minute,

    /// <summary>One point per UTC hour that has readings.</summary>
    Hour,
}

/// <summary>
/// One point of a range: a raw reading (mean = min = max = the value, count 1) or a window's aggregate, stamped
/// with the window's start.
/// </summary>
public sealed record SeriesPoint(DateTimeOffset At, double Mean, double Min, double Max, long Count);

/// <summary>A stretch of time with no reading although one was expected.</summary>
public sealed record SeriesGap(DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// Where readings are kept. Two real backends implement it (SQLite and InfluxDB) and one contract test suite
/// holds them to the same answers.
/// </summary>
public interface ITimeSeriesStore
{
    /// <summary>Prepares the store (schema, database, retention policies). Safe to call again.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores a batch. Idempotent: a reading with the same agent, sensor and time as a stored one is stored once.
    /// Returns only when the batch is durable; retries transient failures with backoff until cancelled.
    /// </summary>
    Task WriteAsync(IReadOnlyList<StoredReading> readings, CancellationToken cancellationToken);

    /// <summary>The newest reading of every sensor of a courtyard (or of one agent, when given).</summary>
    Task<IReadOnlyList<LatestReading>> LatestAsync(CourtyardId courtyard, AgentId? agent, CancellationToken cancellationToken);

    /// <summary>
    /// Readings of one sensor in [<paramref name="from"/>, <paramref name="to"/>), oldest first, at a resolution: at most
    /// <see cref="SeriesLimit.StoreRows"/> points, the oldest ones (more than <see cref="SeriesLimit.MaxPoints"/> means the
    /// range held more than that).
    /// </summary>
    Task<IReadOnlyList<SeriesPoint>> RangeAsync(AgentId agent, SensorId sensor, DateTimeOffset from, DateTimeOffset to, Resolution resolution, CancellationToken cancellationToken);

    /// <summary>
    /// Stretches in [<paramref name="from"/>, <paramref name="to"/>) longer than <paramref name="maxInterval"/> without a
    /// reading of the sensor, including before the first and after the last reading.
    /// </summary>
    Task<IReadOnlyList<SeriesGap>> GapsAsync(AgentId agent, SensorId sensor, DateTimeOffset from, DateTimeOffset to, TimeSpan maxInterval, CancellationToken cancellationToken);

    /// <summary>Deletes what is past retention (raw readings, then aggregates).</summary>
    Task ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>True when the store answers (for readiness).</summary>
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}
