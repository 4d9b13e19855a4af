using System.Runtime.InteropServices;
using Iot.Protocol.Messages;
using Microsoft.Data.Sqlite;

namespace Iot.Cloud.TimeSeries.Sqlite;

/// <summary>
/// The one writer connection with its prepared statements. A batch is one IMMEDIATE transaction: each reading is
/// inserted (a re-write is ignored by the primary key), only newly inserted readings are folded into per-window
/// aggregates in memory, and then each touched window is upserted once. Not thread-safe: the store serializes calls.
/// </summary>
internal sealed class SqliteBatchWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _upsertSeries;
    private readonly SqliteCommand _insertRaw;
    private readonly SqliteCommand _upsertMinute;
    private readonly SqliteCommand _upsertHour;
    private readonly Dictionary<(string Agent, string Sensor), SeriesRow> _series = [];

    public SqliteBatchWriter(string connectionString)
    {
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
            "$agent", "$sensor", "$courtyard", "$quantity");
        _insertRaw = Prepare("INSERT INTO raw (series, at, value) VALUES ($series, $at, $value) ON CONFLICT DO NOTHING", "$series", "$at", "$value");
        _upsertMinute = PrepareAggregateUpsert("minute");
        _upsertHour = PrepareAggregateUpsert("hour");
    }

    /// <summary>Stores a batch; returns how many readings were new.</summary>
    public int Write(IReadOnlyList<StoredReading> readings)
    {
        var minutes = new Dictionary<(long Series, long Start), WindowAggregate>();
        var hours = new Dictionary<(long Series, long Start), WindowAggregate>();
        var newSeries = new Dictionary<(string Agent, string Sensor), SeriesRow>();
        var inserted = 0;

        using (var transaction = _connection.BeginTransaction(deferred: false))
        {
            foreach (var command in (ReadOnlySpan<SqliteCommand>)[_upsertSeries, _insertRaw, _upsertMinute, _upsertHour])
            {
                command.Transaction = transaction;
            }

            foreach (var reading in readings)
            {
                var series = SeriesId(reading, newSeries);
                var at = TimeAlignment.ToMs(reading.At);
                _insertRaw.Parameters[0].Value = series;
                _insertRaw.Parameters[1].Value = at;
                _insertRaw.Parameters[2].Value = reading.Value;
                if (_insertRaw.ExecuteNonQuery() == 0)
                {
                    continue; // stored before: already counted in its windows
                }

                inserted++;
                CollectionsMarshal.GetValueRefOrAddDefault(minutes, (series, TimeAlignment.Floor(at, TimeAlignment.MinuteMs)), out _).Add(reading.Value);
                CollectionsMarshal.GetValueRefOrAddDefault(hours, (series, TimeAlignment.Floor(at, TimeAlignment.HourMs)), out _).Add(reading.Value);
            }

            Upsert(_upsertMinute, minutes);
            Upsert(_upsertHour, hours);
            transaction.Commit();
        }

        // Only after the commit: an id from a rolled-back insert must never be reused from the cache.
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
        _insertRaw.Dispose();
        _upsertMinute.Dispose();
        _upsertHour.Dispose();
        _connection.Dispose();
    }

    private static void Upsert(SqliteCommand command, Dictionary<(long Series, long Start), WindowAggregate> windows)
    {
        foreach (var ((series, start), aggregate) in windows)
        {
            command.Parameters[0].Value = series;
            command.Parameters[1].Value = start;
            command.Parameters[2].Value = aggregate.Count;
            command.Parameters[3].Value = aggregate.Sum;
            command.Parameters[4].Value = aggregate.Min;
            command.Parameters[5].Value = aggregate.Max;
            command.ExecuteNonQuery();
        }
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

    private SqliteCommand PrepareAggregateUpsert(string table) => Prepare(
        $"""
        INSERT INTO {table} (series, start, count, sum, min, max) VALUES ($series, $start, $count, $sum, $min, $max)
        ON CONFLICT (series, start) DO UPDATE SET
            count = count + excluded.count, sum = sum + excluded.sum,
            min = min(min, excluded.min), max = max(max, excluded.max)
        """,
        "$series", "$start", "$count", "$sum", "$min", "$max");

    private SqliteCommand Prepare(string sql, params string[] parameters)
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
