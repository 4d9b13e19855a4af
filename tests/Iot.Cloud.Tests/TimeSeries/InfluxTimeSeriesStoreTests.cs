using System.Text.Json;
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
