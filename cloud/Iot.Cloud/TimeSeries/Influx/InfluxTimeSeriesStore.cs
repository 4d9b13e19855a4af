using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.TimeSeries.Influx;

/// <summary>
/// The InfluxDB backend, over the v1 HTTP API (see <see cref="InfluxHttp"/>) with the layout of <see cref="InfluxSchema"/>.
/// Writes (see <see cref="InfluxWriter"/>) are retried until InfluxDB accepts them or the caller cancels: ingest acks MQTT
/// only after WriteAsync returns. The write path sends only /write requests, never a query.
/// </summary>
public sealed class InfluxTimeSeriesStore : ITimeSeriesStore, IDisposable
{
    private static readonly TimeSpan LateReadingHorizon = TimeSpan.FromDays(1);

    private readonly TimeSeriesOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InfluxHttp _http;
    private readonly InfluxWriter _writer;
    private readonly InfluxSchema _schema;
    private volatile bool _managesSchema = true;

    /// <summary>Creates the store, retrying failed writes on the system clock; nothing is sent until the first call.</summary>
    public InfluxTimeSeriesStore(TimeSeriesOptions options, TimeProvider time, TimeSeriesMetrics metrics, ILogger<InfluxTimeSeriesStore> logger)
        : this(options, time, TimeProvider.System, metrics, logger)
    {
    }

    /// <summary>
    /// Creates the store; nothing is sent until the first call. Raw retention is counted on <paramref name="time"/>
    /// (business time); <paramref name="retryTime"/> paces the retries of a failed write (see <see cref="Operations.Clocks"/>).
    /// </summary>
    public InfluxTimeSeriesStore(TimeSeriesOptions options, TimeProvider time, TimeProvider retryTime, TimeSeriesMetrics metrics, ILogger<InfluxTimeSeriesStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
        _http = new InfluxHttp(options.Influx);
        _writer = new InfluxWriter(_http, options.Influx, retryTime, metrics, logger);
        _schema = new InfluxSchema(options.Influx.Database);
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var version = await _http.PingAsync(cancellationToken)
            ?? throw new HttpRequestException($"InfluxDB at {_http.Url} does not answer /ping");

        // 2.x (v1 compatibility API) and 3 Core serve /write and /query but refuse database, retention-policy and
        // continuous-query statements: there the bucket/database and its retention are made with the server's own tools.
        if (!IsVersion1(version))
        {
            _managesSchema = false;
            TimeSeriesLog.InfluxSchemaNotManaged(_logger, version, _http.Url);
            return;
        }

        await _http.QueryAsync(_schema.CreateDatabase, cancellationToken);
        var policies = (await _http.QueryAsync(_schema.ShowRetentionPolicies, cancellationToken))[0]
            .SelectMany(s => s.Rows.Select(r => s.Text(r, "name"))).ToHashSet(StringComparer.Ordinal);
        await _http.QueryAsync(_schema.RetentionPolicy(InfluxSchema.RawPolicy, _options.RawRetention, policies.Contains(InfluxSchema.RawPolicy), isDefault: true), cancellationToken);
        await _http.QueryAsync(_schema.RetentionPolicy(InfluxSchema.RollupPolicy, _options.AggregateRetention, policies.Contains(InfluxSchema.RollupPolicy), isDefault: false), cancellationToken);

        // Continuous queries cannot be altered: drop and create, so a changed definition takes effect on start.
        var queries = (await _http.QueryAsync("SHOW CONTINUOUS QUERIES", cancellationToken))[0]
            .Where(s => s.Name == _schema.Database).SelectMany(s => s.Rows.Select(r => s.Text(r, "name"))).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, create) in _schema.ContinuousQueries())
        {
            if (queries.Contains(name))
            {
                await _http.QueryAsync(_schema.DropContinuousQuery(name), cancellationToken);
            }

            await _http.QueryAsync(create, cancellationToken);
        }

        _managesSchema = true;
        TimeSeriesLog.InfluxReady(_logger, version, _http.Url, _schema.Database, _options.RawRetention, _options.AggregateRetention);
    }

    /// <inheritdoc />
    public async Task WriteAsync(IReadOnlyList<StoredReading> readings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readings);
        await _writer.WriteAsync(readings, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LatestReading>> LatestAsync(CourtyardId courtyard, AgentId? agent, CancellationToken cancellationToken)
    {
        var where = $"{InfluxQl.Ident("courtyard")} = {InfluxQl.Literal(courtyard.Value)}"
            + (agent is { } a ? $" AND {InfluxQl.Ident("agent")} = {InfluxQl.Literal(a.Value)}" : string.Empty);
        var groups = (await _http.QueryAsync(
            $"SELECT last(\"value\") AS \"value\" FROM {InfluxQl.Ident(LineProtocol.Measurement)} WHERE {where} GROUP BY \"agent\", \"sensor\", \"quantity\"",
            cancellationToken))[0];

        // Grouping by quantity too keeps its tag in the answer; a sensor that changed quantity shows up twice, the newest wins.
        var newest = new Dictionary<(string, string), LatestReading>();
        foreach (var group in groups)
        {
            if (!AgentId.TryParse(group.Tags.GetValueOrDefault("agent"), out var agentId, out _)
                || !SensorId.TryParse(group.Tags.GetValueOrDefault("sensor"), out var sensorId, out _)
                || !WireNames.TryParse<Quantity>(group.Tags.GetValueOrDefault("quantity"), out var quantity))
            {
                continue; // not written by this store
            }

            foreach (var row in group.Rows)
            {
                var reading = new LatestReading(courtyard, agentId, sensorId, quantity, group.Number(row, 1), TimeAlignment.FromMs(InfluxSeries.Time(row)));
                var key = (agentId.Value, sensorId.Value);
                if (!newest.TryGetValue(key, out var known) || known.At < reading.At)
                {
                    newest[key] = reading;
                }
            }
        }

        return [.. newest.Values.OrderBy(r => r.Agent.Value, StringComparer.Ordinal).ThenBy(r => r.Sensor.Value, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SeriesPoint>> RangeAsync(AgentId agent, SensorId sensor, DateTimeOffset from, DateTimeOffset to, Resolution resolution, CancellationToken cancellationToken)
    {
        var fromMs = TimeAlignment.ToMs(from);
        var toMs = TimeAlignment.ToMs(to);
        if (resolution == Resolution.Raw)
        {
            var raw = await QueryOneAsync($"SELECT \"value\" FROM {InfluxQl.Ident(LineProtocol.Measurement)} WHERE {InfluxQl.SeriesRange(agent.Value, sensor.Value, fromMs, toMs)} {InfluxQl.Limit(SeriesLimit.StoreRows)}", cancellationToken);
            return [.. raw.SelectMany(s => s.Rows.Select(r => { var v = s.Number(r, 1); return new SeriesPoint(TimeAlignment.FromMs(InfluxSeries.Time(r)), v, v, v, 1); })).Take(SeriesLimit.StoreRows)];
        }

        // A window is returned when its start is in [from, to), and it always covers all of its readings.
        var window = TimeAlignment.WindowMs(resolution);
        var first = TimeAlignment.Ceiling(fromMs, window);
        var end = TimeAlignment.Ceiling(toMs, window);

        // Windows that start inside raw retention are computed from raw readings (always complete, no rollup lag);
        // older ones are read from the rollup, which outlives the raw retention policy.
        var boundary = TimeAlignment.Ceiling(TimeAlignment.ToMs(_time.GetUtcNow() - _options.RawRetention), window);
        var points = new List<SeriesPoint>();
        if (first < Math.Min(end, boundary))
        {
            points.AddRange(await WindowsAsync(_schema.Rollup(resolution), "sum(\"sum\"), min(\"min\"), max(\"max\"), sum(\"count\")", agent, sensor, first, Math.Min(end, boundary), window, cancellationToken));
        }

        if (Math.Max(first, boundary) < end)
        {
            points.AddRange(await WindowsAsync(InfluxQl.Ident(LineProtocol.Measurement), "sum(\"value\"), min(\"value\"), max(\"value\"), count(\"value\")", agent, sensor, Math.Max(first, boundary), end, window, cancellationToken));
        }

        // Two queries of up to StoreRows each: the oldest StoreRows of them, as the SQLite store answers.
        return points.Count > SeriesLimit.StoreRows ? points.GetRange(0, SeriesLimit.StoreRows) : points;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SeriesGap>> GapsAsync(AgentId agent, SensorId sensor, DateTimeOffset from, DateTimeOffset to, TimeSpan maxInterval, CancellationToken cancellationToken)
    {
        var threshold = SeriesGaps.ThresholdMs(maxInterval);
        var fromMs = TimeAlignment.ToMs(from);
        var toMs = TimeAlignment.ToMs(to);
        var where = InfluxQl.SeriesRange(agent.Value, sensor.Value, fromMs, toMs);
        var measurement = InfluxQl.Ident(LineProtocol.Measurement);

        // elapsed() gives each reading's distance to the one before; only the long ones travel back.
        var results = await _http.QueryAsync(
            $"SELECT first(\"value\") FROM {measurement} WHERE {where}; SELECT last(\"value\") FROM {measurement} WHERE {where}; "
            + $"SELECT \"elapsed\" FROM (SELECT elapsed(\"value\", 1ms) AS \"elapsed\" FROM {measurement} WHERE {where}) WHERE \"elapsed\" > {threshold}",
            cancellationToken);
        long? firstMs = results[0].SelectMany(s => s.Rows.Select(InfluxSeries.Time)).Cast<long?>().FirstOrDefault();
        long? lastMs = results[1].SelectMany(s => s.Rows.Select(InfluxSeries.Time)).Cast<long?>().FirstOrDefault();
        var inner = results[2].SelectMany(s => s.Rows.Select(r => (From: InfluxSeries.Time(r) - (long)s.Number(r, 1), To: InfluxSeries.Time(r)))).OrderBy(g => g.To);
        return SeriesGaps.Assemble(fromMs, toMs, threshold, firstMs, lastMs, inner);
    }

    /// <summary>
    /// InfluxDB deletes by retention policy on its own. What this pass adds: it runs the continuous queries' statements
    /// again over the whole hours of the last day (or of raw retention, when shorter), so readings that arrived after
    /// their windows' continuous query ran (an agent's outbox replaying after an outage) reach the long-term rollup
    /// before the raw retention policy drops them.
    /// </summary>
    public async Task ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_managesSchema)
        {
            return;
        }

        var horizon = _options.RawRetention < LateReadingHorizon ? _options.RawRetention : LateReadingHorizon;
        var fromMs = TimeAlignment.Ceiling(TimeAlignment.ToMs(now - horizon), TimeAlignment.HourMs);
        var toMs = TimeAlignment.Ceiling(TimeAlignment.ToMs(now), TimeAlignment.HourMs);
        await RollUpAsync(fromMs, toMs, cancellationToken);
        var (from, to) = (TimeAlignment.FromMs(fromMs), TimeAlignment.FromMs(toMs));
        TimeSeriesLog.InfluxRolledUp(_logger, from, to);
    }

    /// <inheritdoc />
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken) => await _http.PingAsync(cancellationToken) is not null;

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    /// <summary>Re-aggregates the rollup over whole hours [fromMs, toMs), minutes first, then hours from minutes.</summary>
    internal async Task RollUpAsync(long fromMs, long toMs, CancellationToken cancellationToken)
    {
        if (fromMs % TimeAlignment.HourMs != 0 || toMs % TimeAlignment.HourMs != 0)
        {
            throw new ArgumentException("rollup ranges are whole hours: a cut hour would overwrite its window with part of it");
        }

        if (fromMs < toMs)
        {
            await _http.QueryAsync(_schema.RollupOver(fromMs, toMs), cancellationToken);
        }
    }

    private static bool IsVersion1(string version) => version == "unknown" || version.TrimStart('v').StartsWith("1.", StringComparison.Ordinal);

    private async Task<IReadOnlyList<InfluxSeries>> QueryOneAsync(string statement, CancellationToken cancellationToken) =>
        (await _http.QueryAsync(statement, cancellationToken))[0];

    private async Task<IEnumerable<SeriesPoint>> WindowsAsync(string source, string aggregates, AgentId agent, SensorId sensor, long fromMs, long toMs, long window, CancellationToken cancellationToken)
    {
        var series = await QueryOneAsync(
            $"SELECT {aggregates} FROM {source} WHERE {InfluxQl.SeriesRange(agent.Value, sensor.Value, fromMs, toMs)} GROUP BY time({InfluxQl.Interval(window)}) fill(none) {InfluxQl.Limit(SeriesLimit.StoreRows)}",
            cancellationToken);
        return series.SelectMany(s => s.Rows.Select(r =>
        {
            var count = (long)s.Number(r, 4);
            return new SeriesPoint(TimeAlignment.FromMs(InfluxSeries.Time(r)), s.Number(r, 1) / count, s.Number(r, 2), s.Number(r, 3), count);
        }));
    }
}
