using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Iot.EndToEnd.Tests.Faults.Support;

/// <summary>One reading as a store keeps it: the sensor of an agent at a millisecond.</summary>
public readonly record struct ReadingKey(string Agent, string Sensor, long AtMs);

/// <summary>What a time-series store holds, read from the store itself (not through the cloud's API).</summary>
public sealed record StoreContents(IReadOnlySet<ReadingKey> Readings, long RawRows, long AggregatedCount, IReadOnlyList<(string Agent, string Boot, long Seq)> Events);

/// <summary>Reads the stores' files and databases directly.</summary>
public static class StoredReadings
{
    /// <summary>
    /// The SQLite readings file (every raw row, and how many readings the minute rollups counted: a reading written
    /// twice would be counted twice there) and the SQLite database's device events.
    /// </summary>
    public static async Task<StoreContents> FromSqliteAsync(string timeSeriesFile, string databaseFile)
    {
        var readings = new HashSet<ReadingKey>();
        long rows = 0;
        long aggregated;
        await using (var ts = await OpenAsync(timeSeriesFile))
        {
            await using (var command = ts.CreateCommand())
            {
                command.CommandText = "SELECT s.agent, s.sensor, r.at FROM raw r JOIN series s ON s.id = r.series";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    rows++;
                    readings.Add(new ReadingKey(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
                }
            }

            await using var sum = ts.CreateCommand();
            sum.CommandText = "SELECT coalesce(sum(count), 0) FROM minute";
            aggregated = (long)(await sum.ExecuteScalarAsync())!;
        }

        return new StoreContents(readings, rows, aggregated, await EventsFromSqliteAsync(databaseFile));
    }

    /// <summary>Every raw reading in InfluxDB's <c>reading</c> measurement (InfluxQL over the v1 HTTP API).</summary>
    public static async Task<(IReadOnlySet<ReadingKey> Readings, long Rows)> FromInfluxAsync(Uri influx, string database)
    {
        using var http = new HttpClient { BaseAddress = influx, Timeout = Iot.Testing.Patience.Seconds(120) };
        var query = Uri.EscapeDataString($"SELECT \"value\" FROM \"{database}\".\"raw\".\"reading\" GROUP BY \"agent\", \"sensor\"");
        using var response = await http.GetAsync(new Uri($"/query?db={database}&epoch=ms&q={query}", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var readings = new HashSet<ReadingKey>();
        long rows = 0;
        var result = json.RootElement.GetProperty("results")[0];
        if (result.TryGetProperty("series", out var series))
        {
            foreach (var s in series.EnumerateArray())
            {
                var tags = s.GetProperty("tags");
                var (agent, sensor) = (tags.GetProperty("agent").GetString()!, tags.GetProperty("sensor").GetString()!);
                foreach (var value in s.GetProperty("values").EnumerateArray())
                {
                    rows++;
                    readings.Add(new ReadingKey(agent, sensor, value[0].GetInt64()));
                }
            }
        }

        return (readings, rows);
    }

    /// <summary>Device events in the cloud's SQLite database, one row per stored event.</summary>
    public static async Task<IReadOnlyList<(string Agent, string Boot, long Seq)>> EventsFromSqliteAsync(string databaseFile)
    {
        var events = new List<(string, string, long)>();
        await using var db = await OpenAsync(databaseFile);
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT AgentId, BootId, Seq FROM device_events";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return events;
    }

    private static async Task<SqliteConnection> OpenAsync(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }
}
