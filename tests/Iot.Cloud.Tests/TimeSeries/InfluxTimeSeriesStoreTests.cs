using System.Globalization;
using System.Text.Json;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using Iot.Cloud.TimeSeries;
using Iot.Cloud.TimeSeries.Influx;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static Iot.Cloud.Tests.TimeSeries.ContractData;

namespace Iot.Cloud.Tests.TimeSeries;

/// <summary>
/// The contract on a real influxd (one per class, a database per store), plus what only InfluxDB does itself:
/// retention policies and continuous queries, and riding out a server that is down.
/// </summary>
public sealed class InfluxTimeSeriesStoreTests(InfluxServerFixture influx) : TimeSeriesStoreContract, IClassFixture<InfluxServerFixture>
{
    private string _database = string.Empty;

    [Fact]
    public async Task Retention_policies_have_the_configured_durations_with_raw_as_default()
    {
        await NewStoreAsync(null, ("TimeSeries:RawRetention", "3.00:00:00"), ("TimeSeries:AggregateRetention", "400.00:00:00"));

        var policies = await PoliciesAsync(_database);

        Assert.Equal((TimeSpan.FromDays(3), true), policies["raw"]);
        Assert.Equal((TimeSpan.FromDays(400), false), policies["rollup"]);
    }

    [Fact]
    public async Task Initializing_again_applies_changed_durations_and_keeps_one_set_of_continuous_queries()
    {
        await NewStoreAsync(null, ("TimeSeries:RawRetention", "3.00:00:00"));
        var database = _database;

        await NewStoreAsync(null, ("TimeSeries:Influx:Database", database), ("TimeSeries:RawRetention", "4.00:00:00"));

        Assert.Equal((TimeSpan.FromDays(4), true), (await PoliciesAsync(database))["raw"]);
        var queries = await QueryAsync("SHOW CONTINUOUS QUERIES");
        var names = queries.EnumerateArray().Where(s => s.GetProperty("name").GetString() == database)
            .SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => v[0].GetString()!)).Order().ToArray();
        Assert.Equal(["reading_1h", "reading_1m"], names);
    }

    [Fact]
    public void Line_protocol_has_the_reading_measurement_its_tags_and_millisecond_time()
    {
        var reading = new StoredReading(Yikang12, A, Drain, Quantity.WaterLevel, 12.5, DateTimeOffset.FromUnixTimeMilliseconds(1_764_421_200_123).AddTicks(9_999));

        var line = LineProtocol.Build([reading], 0, 1);

        Assert.Equal("reading,agent=yikang-12-a,courtyard=yikang-12,device=drain-01,quantity=waterLevel,sensor=drain-01.water-level value=12.5 1764421200123\n", line);
    }

    [Fact]
    public void Line_protocol_says_what_InfluxDB_Client_says_and_each_value_parses_back_to_the_same_double()
    {
        double[] values = [0.3, 0.1 + 0.2, -0.0, 1e-7, 123_456_789.123, 1e21, double.MaxValue, double.Epsilon, -17.25, 42];
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_764_421_200_123);
        var readings = values.Select(v => new StoredReading(Yikang12, A, Drain, Quantity.WaterLevel, v, at)).ToArray();

        var lines = LineProtocol.Build(readings, 0, readings.Length).Split('\n')[..^1];

        Assert.Equal(values.Length, lines.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var expected = PointData.Measurement("reading").Tag("courtyard", Yikang12.Value).Tag("agent", A.Value).Tag("device", Drain.Device.Value)
                .Tag("sensor", Drain.Value).Tag("quantity", "waterLevel").Field("value", values[i]).Timestamp(at, WritePrecision.Ms).ToLineProtocol();
            var (ours, theirs) = (lines[i].Split(' '), expected.Split(' '));
            Assert.Equal(theirs[0], ours[0]);
            Assert.Equal(theirs[2], ours[2]);
            Assert.Equal(values[i], double.Parse(ours[1]["value=".Length..], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task A_batch_larger_than_the_part_size_goes_gzipped_in_parts_and_is_stored_whole()
    {
        var store = await NewStoreAsync(null, ("TimeSeries:Influx:BatchSize", "7"), ("TimeSeries:Influx:WritesInFlight", "3"), ("TimeSeries:Influx:Gzip", "true"));
        var readings = Enumerable.Range(0, 100).Select(i => new StoredReading(Yikang12, i % 2 == 0 ? A : B, Lamp, Quantity.Current, i / 10.0, Data.T.AddSeconds(i))).ToArray();
        var requestsBefore = await WriteRequestsAsync();

        await store.WriteAsync(readings, Step);

        Assert.Equal(15, await WriteRequestsAsync() - requestsBefore);
        var a = await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(1), Resolution.Raw, Step);
        var b = await store.RangeAsync(B, Lamp, Data.T, Data.T.AddHours(1), Resolution.Raw, Step);
        Assert.Equal(readings.Where(r => r.Agent == A).Select(r => (r.At, r.Value)), a.Select(p => (p.At, p.Mean)));
        Assert.Equal(readings.Where(r => r.Agent == B).Select(r => (r.At, r.Value)), b.Select(p => (p.At, p.Mean)));
    }

    [Fact]
    public async Task A_plain_write_stores_what_a_gzipped_one_does()
    {
        var gzipped = await NewStoreAsync();
        await gzipped.WriteAsync(Data.Readings, Step);
        var plain = await NewStoreAsync(null, ("TimeSeries:Influx:Gzip", "false"));
        await plain.WriteAsync(Data.Readings, Step);

        Assert.Equal(
            await gzipped.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(2), Resolution.Raw, Step),
            await plain.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(2), Resolution.Raw, Step));
    }

    [Fact]
    public async Task A_part_refused_for_good_fails_the_whole_write_while_the_other_parts_are_accepted()
    {
        var store = await NewStoreAsync(null, ("TimeSeries:Influx:BatchSize", "2"), ("TimeSeries:Influx:WritesInFlight", "4"));

        // A string "value" in T's shard (a day): InfluxDB refuses every float "value" there, for good (field type conflict).
        await WriteRawAsync($"reading,agent=yikang-12-b,courtyard=yikang-12,device=gate-01,quantity=contact,sensor=gate-01.contact value=\"open\" {Data.T.ToUnixTimeMilliseconds()}");
        var twoDaysEarlier = Data.T.AddDays(-2);
        StoredReading Lamp(DateTimeOffset at, double value) => new(Yikang12, A, ContractData.Lamp, Quantity.Current, value, at);
        StoredReading[] readings = [Lamp(twoDaysEarlier, 1), Lamp(twoDaysEarlier.AddSeconds(1), 2), Lamp(twoDaysEarlier.AddSeconds(2), 3), Lamp(twoDaysEarlier.AddSeconds(3), 4), Lamp(Data.T.AddSeconds(1), 5)];

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync(readings, Step));

        Assert.Contains("field type conflict", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reading_repeated_across_parts_of_one_batch_is_counted_once_in_the_rollups()
    {
        var store = await NewStoreAsync(null, ("TimeSeries:Influx:BatchSize", "3"), ("TimeSeries:Influx:WritesInFlight", "4"));

        await store.WriteAsync([.. Data.Readings, .. Data.Readings, .. Data.Readings.Take(5)], Step);
        await store.ApplyRetentionAsync(DateTimeOffset.UtcNow, Step);

        // Straight from the rollup measurements: each of A's lamp readings once (6 in T's hour, 2 in the next).
        var hours = await QueryAsync($"SELECT \"count\" FROM \"{_database}\".\"rollup\".\"reading_1h\" WHERE \"agent\" = 'yikang-12-a' AND \"sensor\" = 'lamp-01.current'");
        var minutes = await QueryAsync($"SELECT sum(\"count\") FROM \"{_database}\".\"rollup\".\"reading_1m\" WHERE \"agent\" = 'yikang-12-a' AND \"sensor\" = 'lamp-01.current'");
        Assert.Equal([6.0, 2.0], hours[0].GetProperty("values").EnumerateArray().Select(v => v[1].GetDouble()));
        Assert.Equal(8.0, minutes[0].GetProperty("values")[0][1].GetDouble());
    }

    [Fact]
    public async Task Store_is_unreachable_while_influxd_is_stopped_and_reachable_after_restart()
    {
        var store = await NewStoreAsync();
        Assert.True(await store.IsReachableAsync(Step));

        await influx.Server.StopAsync();
        var whileDown = await store.IsReachableAsync(Step);
        await influx.Server.RestartAsync();

        Assert.False(whileDown);
        Assert.True(await store.IsReachableAsync(Step));
    }

    [Fact]
    public async Task A_write_while_influxd_is_down_retries_and_completes_after_restart_losing_nothing()
    {
        var (store, meters) = await NewStoreWithMetersAsync(null, ("TimeSeries:Influx:BatchSize", "500"));
        using var retries = new MetricCollector<long>(meters, TimeSeriesMetrics.MeterName, "iot.timeseries.write_retries");
        var readings = Enumerable.Range(0, 1_200).Select(i => new StoredReading(Yikang12, A, Lamp, Quantity.Current, i / 100.0, Data.T.AddSeconds(i))).ToArray();
        await influx.Server.StopAsync();

        // The write rides out the whole outage and the restart, so it gets their time, not one step's.
        var write = store.WriteAsync(readings, Within(TimeSpan.FromMinutes(3)));
        await retries.WaitForMeasurementsAsync(2, Step);
        var completedWhileDown = write.IsCompleted;
        await influx.Server.RestartAsync();
        await write;

        Assert.False(completedWhileDown);
        var stored = await store.RangeAsync(A, Lamp, Data.T, Data.T.AddHours(1), Resolution.Raw, Step);
        Assert.Equal(readings.Select(r => (r.At, r.Value)), stored.Select(p => (p.At, p.Mean)));
    }

    [Fact]
    public async Task A_write_while_influxd_is_down_gives_up_only_when_cancelled()
    {
        var store = await NewStoreAsync();
        await influx.Server.StopAsync();
        try
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.WriteAsync(Data.Readings, cancel.Token));
        }
        finally
        {
            await influx.Server.RestartAsync();
        }
    }

    protected override Dictionary<string, string?> FreshStoreSettings()
    {
        _database = influx.NewDatabase();
        return new()
        {
            ["TimeSeries:Backend"] = "Influx",
            ["TimeSeries:Influx:Url"] = influx.Server.Url.ToString(),
            ["TimeSeries:Influx:Database"] = _database,
        };
    }

    private async Task<Dictionary<string, (TimeSpan Duration, bool IsDefault)>> PoliciesAsync(string database)
    {
        var series = await QueryAsync($"SHOW RETENTION POLICIES ON \"{database}\"");
        var columns = series[0].GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList();
        return series[0].GetProperty("values").EnumerateArray().ToDictionary(
            v => v[columns.IndexOf("name")].GetString()!,
            v => (InfluxQl.ParseGoDuration(v[columns.IndexOf("duration")].GetString()!), v[columns.IndexOf("default")].GetBoolean()));
    }

    // influxd's own count of /write requests (the tests of a class run one at a time, so a difference is one test's).
    private async Task<long> WriteRequestsAsync()
    {
        var httpd = (await QueryAsync("SHOW STATS FOR 'httpd'"))[0];
        var column = httpd.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList().IndexOf("writeReq");
        return httpd.GetProperty("values")[0][column].GetInt64();
    }

    private async Task WriteRawAsync(string line)
    {
        using var http = new HttpClient { BaseAddress = influx.Server.Url };
        using var body = new StringContent(line);
        using var response = await http.PostAsync(new Uri($"/write?db={_database}&precision=ms", UriKind.Relative), body, Step);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Step));
    }

    // Straight to influxd, not through the store: the test checks what the server holds.
    private async Task<JsonElement> QueryAsync(string statement)
    {
        using var http = new HttpClient { BaseAddress = influx.Server.Url };
        using var form = new FormUrlEncodedContent([new("q", statement)]);
        using var response = await http.PostAsync(new Uri("/query", UriKind.Relative), form, Step);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Step));
        return json.RootElement.GetProperty("results")[0].GetProperty("series").Clone();
    }
}
