using System.Runtime.InteropServices;
using Iot.Protocol.Messages;
using Microsoft.Data.Sqlite;

namespace Iot.Cloud.TimeSeries.Sqlite;

/// <summary>
/// The one writer connection with its prepared statements. A batch is one IMMEDIATE transaction: readings are
/// inserted in key order (<see cref="SqliteSchema"/>), a row per step, and <c>ON CONFLICT DO NOTHING</c> with the
/// step's change count tells a new reading from a re-written one, so a re-written reading is never counted twice. Only
/// new ones are folded into per-window aggregates in memory, and each touched window is then upserted once. Not
/// thread-safe: the store serializes calls.
/// </summary>
internal sealed class SqliteBatchWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _upsertSeries;
    private readonly RawStatement _insertRaw;
    private readonly RawStatement _upsertMinute;
    private readonly RawStatement _upsertHour;
    private readonly Dictionary<(string Agent, string Sensor), SeriesRow> _series = [];

    // Kept between batches and cleared at the start of each: a batch of 50,000 readings would otherwise allocate a
    // 1.6 MB row array and two window tables on the large object heap every time, each a step toward a full collection.
    private readonly Dictionary<(long Series, long Start), WindowAggregate> _minutes = [];
    private readonly Dictionary<(long Series, long Start), WindowAggregate> _hours = [];
    private readonly Dictionary<(string Agent, string Sensor), SeriesRow> _newSeries = [];
    private Row[] _rows = [];

    private readonly int _maxCachedSeries;

    public SqliteBatchWriter(string connectionString, int maxCachedSeries, Action upgraded)
    {
        _maxCachedSeries = maxCachedSeries;
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL;");

        // FULL: a batch is on disk when WriteAsync returns, because ingest acks MQTT right after (WAL keeps it one fsync per batch).
        Execute("PRAGMA synchronous = FULL;");

        // The log is copied back into the file once it holds 10,000 pages (40 MiB) rather than SQLite's 1,000: a batch
        // dirties a few thousand pages, so at 1,000 nearly every commit stopped to copy its own pages, and a page that
        // every batch writes was copied every time. Measured with bench/TimeSeries.Bench on the first layout:
        // 16,000–22,000 → 30,000–31,000 readings/s.
        Execute("PRAGMA wal_autocheckpoint = 10000;");

        // Then the log file is cut back to 64 MiB, so a spike does not keep it large.
        Execute("PRAGMA journal_size_limit = 67108864;");
        if (SqliteSchema.CreateOrUpgrade(_connection))
        {
            upgraded();
        }

        _upsertSeries = Prepare(
            """
            INSERT INTO series (agent, sensor, courtyard, quantity) VALUES ($agent, $sensor, $courtyard, $quantity)
            ON CONFLICT (agent, sensor) DO UPDATE SET courtyard = excluded.courtyard, quantity = excluded.quantity
            RETURNING id
            """,
            ["$agent", "$sensor", "$courtyard", "$quantity"]);
        _insertRaw = new RawStatement(_connection, "INSERT INTO raw (block, at, series, value) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
        _upsertMinute = new RawStatement(_connection, UpsertWindowSql("minute"));
        _upsertHour = new RawStatement(_connection, UpsertWindowSql("hour"));
    }

    /// <summary>Series ids held in memory.</summary>
    public int CachedSeries => _series.Count;

    /// <summary>Stores a batch; returns how many readings were new.</summary>
    public int Write(IReadOnlyList<StoredReading> readings)
    {
        _minutes.Clear();
        _hours.Clear();
        _newSeries.Clear();
        if (_rows.Length < readings.Count)
        {
            _rows = new Row[readings.Count];
        }

        var rows = _rows.AsSpan(0, readings.Count);
        var inserted = 0;
        using (var transaction = _connection.BeginTransaction(deferred: false))
        {
            _upsertSeries.Transaction = transaction;
            for (var i = 0; i < rows.Length; i++)
            {
                var reading = readings[i];
                var series = SeriesId(reading);
                rows[i] = new Row(series >> SqliteSchema.BlockShift, TimeAlignment.ToMs(reading.At), series, reading.Value);
            }

            // In key order: consecutive rows go to the same page.
            rows.Sort();
            foreach (var row in rows)
            {
                if (_insertRaw.Bind(1, row.Block).Bind(2, row.At).Bind(3, row.Series).Bind(4, row.Value).Execute() == 1)
                {
                    inserted++;
                    CollectionsMarshal.GetValueRefOrAddDefault(_minutes, (row.Series, TimeAlignment.Floor(row.At, TimeAlignment.MinuteMs)), out _).Add(row.Value);
                    CollectionsMarshal.GetValueRefOrAddDefault(_hours, (row.Series, TimeAlignment.Floor(row.At, TimeAlignment.HourMs)), out _).Add(row.Value);
                }
            }

            Upsert(_upsertMinute, _minutes);
            Upsert(_upsertHour, _hours);
            transaction.Commit();
        }

        // Only after the commit: an id from a rolled-back insert must never be reused from the cache. Bounded: a flood of
        // invented sensors must not grow it for ever; past the cap it starts again, and ids are looked up again on demand.
        if (_series.Count + _newSeries.Count > _maxCachedSeries)
        {
            _series.Clear();
        }

        foreach (var (key, row) in _newSeries)
        {
            _series[key] = row;
        }

        return inserted;
    }

    /// <summary>Deletes raw readings before <paramref name="rawCutoffMs"/> and windows starting before <paramref name="aggregateCutoffMs"/>.</summary>
    public (int Raw, int Minute, int Hour) DeleteBefore(long rawCutoffMs, long aggregateCutoffMs)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);

        // "block IN (...)" lets SQLite walk the (block, time) key per block instead of scanning the table.
        int Delete(string table, string column, long cutoff)
        {
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"DELETE FROM {table} WHERE block IN (SELECT DISTINCT id >> {SqliteSchema.BlockShift} FROM series) AND {column} < $cutoff";
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

    private static string UpsertWindowSql(string table) =>
        $"""
        INSERT INTO {table} (block, start, series, count, sum, min, max) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
        ON CONFLICT (block, start, series) DO UPDATE SET
            count = count + excluded.count, sum = sum + excluded.sum,
            min = min(min, excluded.min), max = max(max, excluded.max)
        """;

    // Each touched window once. A dictionary enumerates in the order its keys were added, which was the readings' key
    // order, so the windows go block by block as well.
    private static void Upsert(RawStatement upsert, Dictionary<(long Series, long Start), WindowAggregate> windows)
    {
        foreach (var ((series, start), aggregate) in windows)
        {
            upsert.Bind(1, series >> SqliteSchema.BlockShift).Bind(2, start).Bind(3, series)
                .Bind(4, aggregate.Count).Bind(5, aggregate.Sum).Bind(6, aggregate.Min).Bind(7, aggregate.Max)
                .Execute();
        }
    }

    private long SeriesId(StoredReading reading)
    {
        var key = (reading.Agent.Value, reading.Sensor.Value);
        if ((_newSeries.TryGetValue(key, out var row) || _series.TryGetValue(key, out row))
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
        _newSeries[key] = new SeriesRow(id, reading.Courtyard.Value, reading.Quantity);
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

    // A reading as stored; sorts in key order (block, at, series).
    private readonly record struct Row(long Block, long At, long Series, double Value) : IComparable<Row>
    {
        // Field by field: the tuple comparison went through a comparer per field, and the sort was nearly half the write's own CPU.
        public int CompareTo(Row other)
        {
            var order = Block.CompareTo(other.Block);
            if (order == 0)
            {
                order = At.CompareTo(other.At);
            }

            return order != 0 ? order : Series.CompareTo(other.Series);
        }
    }
}
