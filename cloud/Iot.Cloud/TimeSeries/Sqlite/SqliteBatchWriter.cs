using System.Runtime.InteropServices;
using Iot.Protocol.Messages;
using Microsoft.Data.Sqlite;

namespace Iot.Cloud.TimeSeries.Sqlite;

/// <summary>
/// The one writer connection with its prepared statements. A batch is one IMMEDIATE transaction: readings are
/// inserted many rows per statement, and <c>ON CONFLICT DO NOTHING RETURNING</c> hands back exactly the rows that
/// were new, so a re-written reading is never counted twice. Only those are folded into per-window aggregates in
/// memory, and each touched window is then upserted once. Not thread-safe: the store serializes calls.
/// </summary>
internal sealed class SqliteBatchWriter : IDisposable
{
    // Several rows per statement cut per-statement overhead; beyond ~16 rows, binding many named parameters costs more (measured with bench/TimeSeries.Bench).
    private const int RowsPerStatement = 16;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _upsertSeries;
    private readonly Dictionary<int, SqliteCommand> _insertRaw = [];
    private readonly Dictionary<int, SqliteCommand> _upsertMinute = [];
    private readonly Dictionary<int, SqliteCommand> _upsertHour = [];
    private readonly Dictionary<(string Agent, string Sensor), SeriesRow> _series = [];

    private readonly int _maxCachedSeries;

    public SqliteBatchWriter(string connectionString, int maxCachedSeries)
    {
        _maxCachedSeries = maxCachedSeries;
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL;");

        // FULL: a batch is on disk when WriteAsync returns, because ingest acks MQTT right after (WAL keeps it one fsync per batch).
        Execute("PRAGMA synchronous = FULL;");
        Execute(SqliteSchema.Create);

        _upsertSeries = Prepare(
            """
            INSERT INTO series (agent, sensor, courtyard, quantity) VALUES ($agent, $sensor, $courtyard, $quantity)
            ON CONFLICT (agent, sensor) DO UPDATE SET courtyard = excluded.courtyard, quantity = excluded.quantity
            RETURNING id
            """,
            ["$agent", "$sensor", "$courtyard", "$quantity"]);
    }

    /// <summary>Series ids held in memory.</summary>
    public int CachedSeries => _series.Count;

    /// <summary>Stores a batch; returns how many readings were new.</summary>
    public int Write(IReadOnlyList<StoredReading> readings)
    {
        var minutes = new Dictionary<(long Series, long Start), WindowAggregate>();
        var hours = new Dictionary<(long Series, long Start), WindowAggregate>();
        var newSeries = new Dictionary<(string Agent, string Sensor), SeriesRow>();
        var inserted = 0;

        using (var transaction = _connection.BeginTransaction(deferred: false))
        {
            _upsertSeries.Transaction = transaction;
            var rows = new (long Series, long At, double Value)[readings.Count];
            for (var i = 0; i < rows.Length; i++)
            {
                var reading = readings[i];
                rows[i] = (SeriesId(reading, newSeries), TimeAlignment.ToMs(reading.At), reading.Value);
            }

            for (var start = 0; start < rows.Length; start += RowsPerStatement)
            {
                var count = Math.Min(RowsPerStatement, rows.Length - start);
                var insert = Statement(_insertRaw, count, InsertRawSql, 3, transaction);
                for (var j = 0; j < count; j++)
                {
                    var (series, at, value) = rows[start + j];
                    insert.Parameters[(3 * j) + 0].Value = series;
                    insert.Parameters[(3 * j) + 1].Value = at;
                    insert.Parameters[(3 * j) + 2].Value = value;
                }

                using var created = insert.ExecuteReader();
                while (created.Read())
                {
                    var (series, at, value) = (created.GetInt64(0), created.GetInt64(1), created.GetDouble(2));
                    inserted++;
                    CollectionsMarshal.GetValueRefOrAddDefault(minutes, (series, TimeAlignment.Floor(at, TimeAlignment.MinuteMs)), out _).Add(value);
                    CollectionsMarshal.GetValueRefOrAddDefault(hours, (series, TimeAlignment.Floor(at, TimeAlignment.HourMs)), out _).Add(value);
                }
            }

            Upsert(_upsertMinute, "minute", minutes, transaction);
            Upsert(_upsertHour, "hour", hours, transaction);
            transaction.Commit();
        }

        // Only after the commit: an id from a rolled-back insert must never be reused from the cache. Bounded: a flood of
        // invented sensors must not grow it for ever; past the cap it starts again, and ids are looked up again on demand.
        if (_series.Count + newSeries.Count > _maxCachedSeries)
        {
            _series.Clear();
        }

        foreach (var (key, row) in newSeries)
        {
            _series[key] = row;
        }

        return inserted;
    }
    /// <summary>Deletes raw readings before <paramref name="rawCutoffMs"/> and windows starting before <paramref name="aggregateCutoffMs"/>.</summary>
    public (int Raw, int Minute, int Hour) DeleteBefore(long rawCutoffMs, long aggregateCutoffMs)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);

        // "series IN (...)" lets SQLite walk the (series, time) key per sensor instead of scanning the table.
        int Delete(string table, string column, long cutoff)
        {
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"DELETE FROM {table} WHERE series IN (SELECT id FROM series) AND {column} < $cutoff";
            command.Parameters.AddWithValue("$cutoff", cutoff);
            return command.ExecuteNonQuery();
        }

        var deleted = (Delete("raw", "at", rawCutoffMs), Delete("minute", "start", aggregateCutoffMs), Delete("hour", "start", aggregateCutoffMs));
        transaction.Commit();
        return deleted;
    }

    public void Dispose()
    {
        _upsertSeries.Dispose();
        foreach (var command in _insertRaw.Values.Concat(_upsertMinute.Values).Concat(_upsertHour.Values))
        {
            command.Dispose();
        }

        _connection.Dispose();
    }

    private static string InsertRawSql(string values) =>
        $"INSERT INTO raw (series, at, value) VALUES {values} ON CONFLICT DO NOTHING RETURNING series, at, value";

    private static Func<string, string> UpsertWindowSql(string table) => values =>
        $"""
        INSERT INTO {table} (series, start, count, sum, min, max) VALUES {values}
        ON CONFLICT (series, start) DO UPDATE SET
            count = count + excluded.count, sum = sum + excluded.sum,
            min = min(min, excluded.min), max = max(max, excluded.max)
        """;

    private void Upsert(Dictionary<int, SqliteCommand> statements, string table, Dictionary<(long Series, long Start), WindowAggregate> windows, SqliteTransaction transaction)
    {
        var pending = windows.ToArray();
        for (var start = 0; start < pending.Length; start += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, pending.Length - start);
            var upsert = Statement(statements, count, UpsertWindowSql(table), 6, transaction);
            for (var j = 0; j < count; j++)
            {
                var ((series, windowStart), aggregate) = pending[start + j];
                upsert.Parameters[(6 * j) + 0].Value = series;
                upsert.Parameters[(6 * j) + 1].Value = windowStart;
                upsert.Parameters[(6 * j) + 2].Value = aggregate.Count;
                upsert.Parameters[(6 * j) + 3].Value = aggregate.Sum;
                upsert.Parameters[(6 * j) + 4].Value = aggregate.Min;
                upsert.Parameters[(6 * j) + 5].Value = aggregate.Max;
            }

            upsert.ExecuteNonQuery();
        }
    }

    // One prepared statement per row count, made on first use and kept: a steady load uses the full-size one.
    private SqliteCommand Statement(Dictionary<int, SqliteCommand> statements, int rows, Func<string, string> sql, int columns, SqliteTransaction transaction)
    {
        if (!statements.TryGetValue(rows, out var command))
        {
            var names = Enumerable.Range(0, rows * columns).Select(k => $"$p{k}").ToArray();
            var values = string.Join(", ", Enumerable.Range(0, rows).Select(r => $"({string.Join(", ", names.Skip(r * columns).Take(columns))})"));
            command = Prepare(sql(values), names);
            statements[rows] = command;
        }

        command.Transaction = transaction;
        return command;
    }

    private long SeriesId(StoredReading reading, Dictionary<(string Agent, string Sensor), SeriesRow> newSeries)
    {
        var key = (reading.Agent.Value, reading.Sensor.Value);
        if ((newSeries.TryGetValue(key, out var row) || _series.TryGetValue(key, out row))
            && row.Courtyard == reading.Courtyard.Value && row.Quantity == reading.Quantity)
        {
            return row.Id;
        }

        // New sensor, or its agent moved courtyard: the newest write says where it is now.
        _upsertSeries.Parameters[0].Value = reading.Agent.Value;
        _upsertSeries.Parameters[1].Value = reading.Sensor.Value;
        _upsertSeries.Parameters[2].Value = reading.Courtyard.Value;
        _upsertSeries.Parameters[3].Value = WireNames.Of(reading.Quantity);
        var id = (long)_upsertSeries.ExecuteScalar()!;
        newSeries[key] = new SeriesRow(id, reading.Courtyard.Value, reading.Quantity);
        return id;
    }

    private SqliteCommand Prepare(string sql, string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private readonly record struct SeriesRow(long Id, string Courtyard, Quantity Quantity);
}
