using System.Globalization;
using System.Text.Json;
using Iot.EndToEnd.Tests.Faults.Support;
using Iot.Testing.Services;
using Xunit.Abstractions;

namespace Iot.EndToEnd.Tests.Faults.StoreOutage;

/// <summary>
/// PostgreSQL and InfluxDB stopped together while three real agents publish to the cloud in its production
/// configuration (PostgreSQL, InfluxDB, external Mosquitto). The outage lasts <c>IOT_FAULT_OUTAGE_SECONDS</c>
/// (default 20 s to keep the suite short; 60 gives the minute of the issue).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StoreOutageTests(ITestOutputHelper output)
{
    private const int Agents = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180); // a deadline only matters when something is broken

    private static TimeSpan Outage =>
        TimeSpan.FromSeconds(Environment.GetEnvironmentVariable("IOT_FAULT_OUTAGE_SECONDS") is { Length: > 0 } s ? double.Parse(s, CultureInfo.InvariantCulture) : 20);

    [Fact]
    public async Task With_postgres_and_influx_down_readyz_names_both_the_cloud_waits_without_spinning_and_stores_everything_once_when_they_return()
    {
        using var folder = new FaultFolder("store-outage");
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { Persistence = true });
        await using var witness = await Witness.StartAsync(broker.Host, broker.Port);
        await using var postgres = await PostgresServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync("estate");
        await using var influx = await InfluxServer.StartAsync();
        var cloud = await CloudUnderTest.StartAsync(folder.Path, broker.Port, new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["Database__ConnectionString"] = database,
            ["TimeSeries__Backend"] = "Influx",
            ["TimeSeries__Influx__Url"] = influx.Url.ToString(),
            ["TimeSeries__Influx__Database"] = "estate",
        });
        try
        {
            await using var fleet = Fleet.Start(folder.Path, broker.Port, Agents, cloud.TrustedKeysFolder);
            await Waits.ForTelemetryAsync(witness, Agents, 3, Patience, fleet.Tail);

            // 1. Both stores go away for the outage; the cloud keeps running.
            await postgres.StopAsync();
            await influx.StopAsync();
            var started = DateTime.UtcNow;
            var cpuBefore = cloud.CpuTime();
            JsonElement? report = null;
            await ServiceProcess.WaitUntilAsync(
                async () =>
                {
                    report = (await cloud.ReadinessAsync()).Report;
                    return Unhealthy(report, "database") && Unhealthy(report, "timeseries");
                },
                Patience,
                "/readyz naming the database and the time-series store",
                () => report?.ToString() ?? "no report");
            output.WriteLine($"/readyz during the outage: {report}");

            // The agents carry on meanwhile; the cloud neither stops nor spins while it retries.
            await ServiceProcess.WaitUntilAsync(() => Task.FromResult(DateTime.UtcNow - started >= Outage && !cloud.Process.HasExited), Outage + Patience, "the outage");
            Assert.False(cloud.Process.HasExited, cloud.Process.Tail());
            var cpuShare = (cloud.CpuTime() - cpuBefore) / (DateTime.UtcNow - started);
            output.WriteLine($"cloud CPU during the outage: {cpuShare:P1} of one core");
            Assert.True(cpuShare < 0.5, $"the cloud used {cpuShare:P0} of a core while its stores were down");
            report = (await cloud.ReadinessAsync()).Report;
            Assert.True(Unhealthy(report, "database") && Unhealthy(report, "timeseries"), report?.ToString());

            // 2. They come back: ingestion recovers by itself and catches up.
            await postgres.RestartAsync();
            await influx.RestartAsync();
            await cloud.WaitReadyAsync(Patience);
            await Waits.ForCloudToCatchUpAsync(cloud, witness, Patience);

            // 3. Acknowledged only after storing: with InfluxDB down again, the cloud holds messages it received but could not
            //    store; killed then, it must not have acknowledged them, or the broker would not send them again.
            await influx.StopAsync();
            await ServiceProcess.WaitUntilAsync(
                async () => (await cloud.ReadinessAsync()).Report is { } r && Unhealthy(r, "timeseries") && Waiting(r) > 0,
                Patience,
                "messages held by the cloud while InfluxDB is down");
            await cloud.KillAsync();
            await influx.RestartAsync();
            await cloud.RestartAsync();
            await Waits.ForTelemetryAsync(witness, Agents, 2, Patience, fleet.Tail);

            await fleet.StopAsync();
            Assert.Equal(0, fleet.ExitCode);
            await Waits.ForCloudToCatchUpAsync(cloud, witness, Patience);
            var (readings, rows) = await StoredReadings.FromInfluxAsync(influx.Url, "estate");
            var ledger = Ledger.Square(witness, await cloud.SequencesAsync(), readings, rows, aggregated: null);
            ledger.Record(string.Create(CultureInfo.InvariantCulture, $"PostgreSQL and InfluxDB down {Outage.TotalSeconds:0} s, then InfluxDB down and the cloud killed"), 3);
            ledger.AssertNothingLostOrDuplicated("after the store outages");
            folder.Passed = true;
        }
        finally
        {
            await cloud.DisposeAsync();
        }
    }

    private static bool Unhealthy(JsonElement? report, string check) =>
        report is { } r && r.TryGetProperty("checks", out var checks) && checks.TryGetProperty(check, out var c) && c.GetProperty("status").GetString() == "Unhealthy";

    // The ingest check says "N messages waiting" in its description.
    private static int Waiting(JsonElement report) =>
        report.GetProperty("checks").TryGetProperty("ingest", out var ingest) && ingest.GetProperty("description").GetString() is { } d
            && System.Text.RegularExpressions.Regex.Match(d, @"(\d+) messages waiting") is { Success: true } m
            ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : 0;
}
