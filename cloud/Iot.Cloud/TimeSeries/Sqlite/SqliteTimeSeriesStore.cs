using System.Diagnostics;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.Data.Sqlite;

namespace Iot.Cloud.TimeSeries.Sqlite;

/// <summary>
/// The default time-series backend: one SQLite file (WAL) with raw readings and 1-minute and 1-hour aggregates
/// kept up to date at write time (see <see cref="SqliteSchema"/>). One writer connection, readers from the pool.
/// </summary>
public sealed class SqliteTimeSeriesStore : ITimeSeriesStore, IDisposable
{
    private const string Backend = "sqlite";

    // The sensor's id and block, for a walk of the (block, time) key filtered to it.
    private static readonly string OneSeries =
        $"WITH s AS (SELECT id, id >> {SqliteSchema.BlockShift} AS block FROM series WHERE agent = $agent AND sensor = $sensor)";

    private readonly TimeSeriesOptions _options;
    private readonly TimeSeriesMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteBatchWriter? _writer;

    /// <summary>Creates the store; the file and its folder are created by <see cref="InitializeAsync"/> or the first write.</summary>
    public SqliteTimeSeriesStore(TimeSeriesOptions options, TimeSeriesMetrics metrics, ILogger<SqliteTimeSeriesStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _metrics = metrics;
        _logger = logger;
        Path = System.IO.Path.GetFullPath(options.SqlitePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Series ids the writer holds in memory (bounded by <see cref="TimeSeriesOptions.MaxCachedSeries"/>).</summary>
    public int CachedSeries => _writer?.CachedSeries ?? 0;

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            _ = Writer();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task WriteAsync(IReadOnlyList<StoredReading> readings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readings);
        if (readings.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        await _writeLock.WaitAsync(cancellationToken);
        int inserted;
        try
        {
            // Microsoft.Data.Sqlite's async methods run synchronously anyway; a batch takes milliseconds.
            inserted = Writer().Write(readings);
        }
        finally
        {
            _writeLock.Release();
        }

        _metrics.Written(Backend, inserted, started);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LatestReading>> LatestAsync(CourtyardId courtyard, AgentId? agent, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // Each walks its block's key backwards and stops at the sensor's first row: its newest hour window, then its
        // newest reading, which lies in that window (they are written together). For a sensor that fell silent, the first
        // walk crosses the block's newer hour windows and the second one hour of readings, not all the block's newer ones.
        command.CommandText = $"""
            WITH s AS (
                SELECT id, id >> {SqliteSchema.BlockShift} AS block, agent, sensor, quantity FROM series
                WHERE courtyard = $courtyard AND ($agent IS NULL OR agent = $agent)),
            t AS (
                SELECT s.*, (SELECT start FROM hour WHERE block = s.block AND series = s.id ORDER BY start DESC LIMIT 1) AS since FROM s)
            SELECT t.agent, t.sensor, t.quantity, r.at, r.value
            FROM t
            JOIN raw r ON r.block = t.block AND r.series = t.id
                AND r.at = (SELECT at FROM raw WHERE block = t.block AND series = t.id AND at >= t.since AND at < t.since + {TimeAlignment.HourMs} ORDER BY at DESC LIMIT 1)
            ORDER BY t.agent, t.sensor
            """;
        command.Parameters.AddWithValue("$courtyard", courtyard.Value);
        command.Parameters.AddWithValue("$agent", agent is { } a ? a.Value : DBNull.Value);
        var latest = new List<LatestReading>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _ = WireNames.TryParse<Quantity>(reader.GetString(2), out var quantity);
            latest.Add(new LatestReading(
                courtyard, AgentId.Parse(reader.GetString(0)), SensorId.Parse(reader.GetString(1)), quantity, reader.GetDouble(4), TimeAlignment.FromMs(reader.GetInt64(3))));
        }

        return latest;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SeriesPoint>> RangeAsync(AgentId agent, SensorId sensor, DateTimeOffset from, DateTimeOffset to, Resolution resolution, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // Windows come from the aggregate tables, so they outlive raw retention; a window is returned when its start is in range.
        command.CommandText = resolution == Resolution.Raw
            ? $"{OneSeries} SELECT at, value, value, value, 1 FROM raw, s WHERE raw.block = s.block AND raw.series = s.id AND at >= $from AND at < $to ORDER BY at LIMIT $limit"
            : $"{OneSeries} SELECT start, sum / count, min, max, count FROM {SqliteSchema.AggregateTable(resolution)} w, s WHERE w.block = s.block AND w.series = s.id AND start >= $from AND start < $to ORDER BY start LIMIT $limit";
        AddRange(command, agent, sensor, from, to);
        command.Parameters.AddWithValue("$limit", SeriesLimit.StoreRows);
        var points = new List<SeriesPoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            points.Add(new SeriesPoint(TimeAlignment.FromMs(reader.GetInt64(0)), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4)));
        }

        return points;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SeriesGap>> GapsAsync(AgentId agent, SensorId sensor, DateTimeOffset from, DateTimeOffset to, TimeSpan maxInterval, CancellationToken cancellationToken)
    {
        var threshold = SeriesGaps.ThresholdMs(maxInterval);
        await using var connection = await OpenAsync(cancellationToken);
        await using var bounds = connection.CreateCommand();
        bounds.CommandText = $"{OneSeries} SELECT min(at), max(at) FROM raw, s WHERE raw.block = s.block AND raw.series = s.id AND at >= $from AND at < $to";
        AddRange(bounds, agent, sensor, from, to);
        long? first = null, last = null;
        await using (var reader = await bounds.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0))
            {
                first = reader.GetInt64(0);
                last = reader.GetInt64(1);
            }
        }

        await using var inner = connection.CreateCommand();
        inner.CommandText = $"""
            {OneSeries} SELECT previous, at FROM (
                SELECT at, lag(at) OVER (ORDER BY at) AS previous FROM raw, s
                WHERE raw.block = s.block AND raw.series = s.id AND at >= $from AND at < $to)
            WHERE at - previous > $threshold ORDER BY at
            """;
        AddRange(inner, agent, sensor, from, to);
        inner.Parameters.AddWithValue("$threshold", threshold);
        var innerGaps = new List<(long, long)>();
        await using (var reader = await inner.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                innerGaps.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        return SeriesGaps.Assemble(TimeAlignment.ToMs(from), TimeAlignment.ToMs(to), threshold, first, last, innerGaps);
    }

    /// <inheritdoc />
    public async Task ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var (raw, minute, hour) = Writer().DeleteBefore(TimeAlignment.ToMs(now - _options.RawRetention), TimeAlignment.ToMs(now - _options.AggregateRetention));
            TimeSeriesLog.SqliteRetentionApplied(_logger, now, raw, minute, hour);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM series";
            _ = await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer?.Dispose();
        _writeLock.Dispose();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private static void AddRange(SqliteCommand command, AgentId agent, SensorId sensor, DateTimeOffset from, DateTimeOffset to)
    {
        command.Parameters.AddWithValue("$agent", agent.Value);
        command.Parameters.AddWithValue("$sensor", sensor.Value);
        command.Parameters.AddWithValue("$from", TimeAlignment.ToMs(from));
        command.Parameters.AddWithValue("$to", TimeAlignment.ToMs(to));
    }

    // Called under the write lock: the first caller creates the folder, the file and the schema.
    private SqliteBatchWriter Writer()
    {
        if (_writer is null)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            _writer = new SqliteBatchWriter(_connectionString, _options.MaxCachedSeries, () => TimeSeriesLog.SqliteUpgraded(_logger, Path, SqliteSchema.Version));
            TimeSeriesLog.SqliteReady(_logger, Path);
        }

        return _writer;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            await InitializeAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
