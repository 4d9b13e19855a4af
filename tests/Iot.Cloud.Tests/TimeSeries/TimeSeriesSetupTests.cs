using Iot.Cloud.TimeSeries;
using Iot.Cloud.TimeSeries.Influx;
using Iot.Cloud.TimeSeries.Sqlite;
using Iot.Testing;
using Iot.Testing.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.TimeSeries;

/// <summary>AddTimeSeries: the backend follows configuration, a wrong setting stops the host naming it, and the maintenance service runs.</summary>
public sealed class TimeSeriesSetupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iot-ts-setup-").FullName;
    private readonly CancellationTokenSource _timeout = new(Patience.Seconds(120));

    [Theory]
    [InlineData("TimeSeries:Influx:Url", "ftp://127.0.0.1:8086", "TimeSeries:Influx:Url")]
    [InlineData("TimeSeries:Influx:Url", "influx-host:8086", "TimeSeries:Influx:Url")]
    [InlineData("TimeSeries:Influx:Database", "", "TimeSeries:Influx:Database")]
    [InlineData("TimeSeries:Influx:BatchSize", "0", "TimeSeries:Influx:BatchSize")]
    [InlineData("TimeSeries:Influx:WritesInFlight", "0", "TimeSeries:Influx:WritesInFlight")]
    [InlineData("TimeSeries:Influx:Username", "cloud", "TimeSeries:Influx:Password")]
    [InlineData("TimeSeries:AggregateRetention", "1.00:00:00", "TimeSeries:AggregateRetention")]
    public async Task A_wrong_influx_setting_stops_the_host_with_a_message_naming_it(string key, string value, string named)
    {
        using var host = StoreHost.Build(new Dictionary<string, string?> { ["TimeSeries:Backend"] = "Influx", [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(_timeout.Token));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_sqlite_path_stops_the_host_with_a_message_naming_it()
    {
        using var host = StoreHost.Build(new Dictionary<string, string?> { ["TimeSeries:SqlitePath"] = " " });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(_timeout.Token));

        Assert.Contains("TimeSeries:SqlitePath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_valid_and_choose_sqlite_under_data()
    {
        var defaults = new TimeSeriesOptions();

        Assert.True(new TimeSeriesOptionsValidator().Validate(null, defaults).Succeeded);
        Assert.Equal(TimeSeriesBackend.Sqlite, defaults.Backend);
        Assert.Equal("data/timeseries.db", defaults.SqlitePath);
        Assert.Equal((TimeSpan.FromDays(30), TimeSpan.FromDays(730)), (defaults.RawRetention, defaults.AggregateRetention));
    }

    [Fact]
    public void Backend_influx_registers_the_influx_store_as_a_singleton()
    {
        using var host = StoreHost.Build(new Dictionary<string, string?> { ["TimeSeries:Backend"] = "Influx" });

        var store = host.Services.GetRequiredService<ITimeSeriesStore>();

        Assert.IsType<InfluxTimeSeriesStore>(store);
        Assert.Same(store, host.Services.GetRequiredService<ITimeSeriesStore>());
    }

    [Fact]
    public async Task Host_start_creates_the_sqlite_file_and_retention_runs_every_hour_of_the_clock()
    {
        var path = Path.Combine(_folder, "data", "timeseries.db");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        using var host = StoreHost.Build(new Dictionary<string, string?> { ["TimeSeries:SqlitePath"] = path }, clock);
        var store = host.Services.GetRequiredService<ITimeSeriesStore>();
        var a = Protocol.Identifiers.AgentId.Parse("yikang-12-a");
        var lamp = Protocol.Identifiers.SensorId.Parse("lamp-01.current");
        var old = new StoredReading(Protocol.Identifiers.CourtyardId.Parse("yikang-12"), a, lamp, Protocol.Messages.Quantity.Current, 0.5, clock.GetUtcNow().AddDays(-30).AddMinutes(30));

        await host.StartAsync(_timeout.Token);
        await host.Services.GetRequiredService<TimeSeriesMaintenance>().Initialized.WaitAsync(_timeout.Token);
        await store.WriteAsync([old], _timeout.Token);

        // The reading turns 30 days old at 12:30; the pass at 13:00 deletes it.
        clock.Advance(TimeSpan.FromHours(1));
        await ServiceProcess.WaitUntilAsync(
            async () => (await store.RangeAsync(a, lamp, old.At, old.At.AddMinutes(1), Resolution.Raw, _timeout.Token)).Count == 0,
            TimeSpan.FromSeconds(60),
            "the 13:00 retention pass");

        Assert.True(File.Exists(path));
        Assert.IsType<SqliteTimeSeriesStore>(store);
        Assert.Single(await store.RangeAsync(a, lamp, old.At, old.At.AddMinutes(1), Resolution.Minute, _timeout.Token));
        await host.StopAsync(_timeout.Token);
    }

    public void Dispose()
    {
        _timeout.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
