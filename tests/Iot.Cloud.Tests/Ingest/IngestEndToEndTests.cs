using Iot.Cloud.Ingest;
using Iot.Cloud.Readings;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Ingest;

/// <summary>
/// Agents publish through real Mosquitto, the cloud stores, the API answers. The same tests run on each
/// time-series backend (see the subclasses). One broker per class, reset before each test.
/// </summary>
public abstract class IngestEndToEndTests(BrokerFixture broker) : IAsyncLifetime
{
    private readonly string _data = broker.NewFolder("cloud");

    protected static DateTimeOffset Minutes(int ago) =>
        DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).AddMinutes(-ago);

    // No retained status or cloud session of an earlier test may reach this one: the counts below are exact.
    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected abstract IDictionary<string, string?> BackendSettings(string dataFolder);

    protected async Task<CloudHost> StartCloudAsync()
    {
        var cloud = await CloudHost.StartAsync(broker.Port, _data, BackendSettings(_data));
        await cloud.WaitReadyAsync();
        return cloud;
    }

    private static Task<List<LatestView>> LatestAsync(CloudHost cloud, string courtyard = "yikang-1") =>
        cloud.GetAsync<List<LatestView>>($"/api/courtyards/{courtyard}/latest");

    [Fact]
    public async Task Published_readings_are_stored_and_answered_through_the_api()
    {
        await using var cloud = await StartCloudAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        var t0 = Minutes(10);

        await agent.StatusAsync(DateTimeOffset.UtcNow, 60_000);
        await agent.TelemetryAsync(1, TestAgent.Current(0.40, t0), TestAgent.Current(0.42, t0.AddSeconds(5)), TestAgent.Current(0.0, t0.AddSeconds(5), "lamp-02.current"));

        await cloud.WaitProcessedAsync(2);
        Assert.Equal(2, (await LatestAsync(cloud)).Count);
        var latest = (await LatestAsync(cloud)).Single(l => l.Sensor == "lamp-01.current");
        Assert.Equal(0.42, latest.Value);
        Assert.Equal(t0.AddSeconds(5), latest.At);
        Assert.Equal("A", latest.Unit);

        var series = await cloud.GetAsync<SeriesView>($"/api/agents/yikang-1-a/sensors/lamp-01.current/series?from={Uri.EscapeDataString(t0.AddMinutes(-1).ToString("O"))}&resolution=raw");
        Assert.Equal([0.40, 0.42], series.Points.Select(p => p.Mean));

        var presence = await cloud.GetAsync<List<PresenceView>>("/api/ingest/presence?state=online");
        Assert.Contains(presence, p => p.Agent.Value == "yikang-1-a");
    }

    [Fact]
    public async Task Duplicates_and_replays_are_stored_once_also_across_a_cloud_restart_and_gaps_are_counted()
    {
        var t0 = Minutes(20);
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await using (var cloud = await StartCloudAsync())
        {
            await agent.StatusAsync(DateTimeOffset.UtcNow, 60_000);
            foreach (var seq in new long[] { 1, 2, 2, 4, 1 })
            {
                await agent.TelemetryAsync(seq, TestAgent.Current(seq, t0.AddSeconds(seq)));
            }

            await cloud.WaitProcessedAsync(6);
            Assert.Equal(2, (await cloud.GetAsync<IngestStatsView>("/api/ingest/stats")).DuplicatesSinceStart);
        }

        await using (var restarted = await StartCloudAsync())
        {
            // The outbox replays everything after a reboot of the cloud side; a new seq proves the replay was processed.
            foreach (var seq in new long[] { 1, 2, 4, 5 })
            {
                await agent.TelemetryAsync(seq, TestAgent.Current(seq, t0.AddSeconds(seq)));
            }

            // Four telemetry messages, and the agent's retained status, delivered again on subscribing.
            await restarted.WaitProcessedAsync(5);
            Assert.Equal(5, Assert.Single(await LatestAsync(restarted)).Value);
            var stats = await restarted.GetAsync<IngestStatsView>("/api/ingest/stats");
            Assert.Equal(3, stats.DuplicatesSinceStart);

            var series = await restarted.GetAsync<SeriesView>($"/api/agents/yikang-1-a/sensors/lamp-01.current/series?from={Uri.EscapeDataString(t0.ToString("O"))}&resolution=raw");
            Assert.Equal([1.0, 2, 4, 5], series.Points.Select(p => p.Mean));

            var sequence = Assert.Single(await restarted.GetAsync<List<SequenceView>>("/api/ingest/sequences?agent=yikang-1-a"));
            Assert.Equal(2, sequence.Contiguous);
            Assert.Equal(5, sequence.MaxSeen);
            Assert.Equal(1, sequence.Missing);
            Assert.Equal(4, sequence.Accepted);
            Assert.Equal(5, sequence.Duplicates);
        }
    }

    [Fact]
    public async Task Boot_relative_readings_are_placed_exactly_once_the_agents_clock_syncs()
    {
        await using var cloud = await StartCloudAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);

        // Replayed from the outbox before any status of this boot: held, not guessed.
        await agent.TelemetryAsync(1, TestAgent.CurrentAtBootMs(0.5, 10_000), TestAgent.CurrentAtBootMs(0.6, 20_000));
        await cloud.WaitProcessedAsync(1);
        Assert.Equal(2, (await cloud.GetAsync<IngestStatsView>("/api/ingest/stats")).ReadingsAwaitingPlacement);
        Assert.Empty(await LatestAsync(cloud));

        // The clock syncs: at bootMs 125,000 it is `synced`.
        var synced = Minutes(3);
        await agent.StatusAsync(synced, 125_000);

        await cloud.WaitProcessedAsync(2);
        var bootStart = synced.AddMilliseconds(-125_000);
        Assert.Equal(bootStart.AddMilliseconds(20_000), Assert.Single(await LatestAsync(cloud)).At);
        Assert.Equal(0, (await cloud.GetAsync<IngestStatsView>("/api/ingest/stats")).ReadingsAwaitingPlacement);

        // Later boot-relative readings of the same boot are placed at once.
        await agent.TelemetryAsync(2, TestAgent.CurrentAtBootMs(0.7, 130_000));
        await cloud.WaitProcessedAsync(3);
        Assert.Equal(0.7, Assert.Single(await LatestAsync(cloud)).Value);
        Assert.Equal(bootStart.AddMilliseconds(130_000), (await LatestAsync(cloud)).Single().At);
        Assert.All(await LatestAsync(cloud), l => Assert.True(l.At.Year >= 2020 && l.At <= DateTimeOffset.UtcNow.AddMinutes(5)));
    }

    [Fact]
    public async Task A_boot_that_never_sent_a_status_is_placed_by_the_synced_clock_its_later_batches_carry()
    {
        await using var cloud = await StartCloudAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);

        // A boot spent offline, replayed from the outbox by a later boot: its first readings are boot-relative, and no
        // status message of it ever reaches the cloud. Held, not guessed.
        agent.Reboot("b00000000000000b7");
        await agent.TelemetryAsync(1, TestAgent.CurrentAtBootMs(0.5, 10_000), TestAgent.CurrentAtBootMs(0.6, 20_000));
        await cloud.WaitProcessedAsync(1);
        Assert.Equal(2, (await cloud.GetAsync<IngestStatsView>("/api/ingest/stats")).ReadingsAwaitingPlacement);

        // Its clock synced at bootMs 125,000; the batch written then says so (protocol 1.3).
        var synced = Minutes(30);
        var bootStart = synced.AddMilliseconds(-125_000);
        await agent.TelemetryWithClockAsync(2, new SyncedClock(125_000, synced), TestAgent.Current(0.7, synced));
        await cloud.WaitProcessedAsync(2);

        Assert.Equal(0, (await cloud.GetAsync<IngestStatsView>("/api/ingest/stats")).ReadingsAwaitingPlacement);
        var series = await cloud.GetAsync<SeriesView>($"/api/agents/yikang-1-a/sensors/lamp-01.current/series?from={Uri.EscapeDataString(bootStart.ToString("O"))}&resolution=raw");
        Assert.Equal([bootStart.AddMilliseconds(10_000), bootStart.AddMilliseconds(20_000), synced], series.Points.Select(p => p.At));
        Assert.Equal([0.5, 0.6, 0.7], series.Points.Select(p => p.Mean));
    }
}

public sealed class SqliteIngestEndToEndTests(BrokerFixture broker) : IngestEndToEndTests(broker), IClassFixture<BrokerFixture>
{
    protected override IDictionary<string, string?> BackendSettings(string dataFolder) => new Dictionary<string, string?>();
}

public sealed class InfluxIngestEndToEndTests(BrokerFixture broker, InfluxFixture influx) : IngestEndToEndTests(broker), IClassFixture<BrokerFixture>, IClassFixture<InfluxFixture>
{
    protected override IDictionary<string, string?> BackendSettings(string dataFolder) => new Dictionary<string, string?>
    {
        ["TimeSeries:Backend"] = "Influx",
        ["TimeSeries:Influx:Url"] = influx.Server.Url.ToString(),
        ["TimeSeries:Influx:Database"] = $"e2e_{Path.GetFileName(dataFolder).Replace('-', '_')}",
    };
}

/// <summary>One real influxd for a test class.</summary>
public sealed class InfluxFixture : IAsyncLifetime
{
    public InfluxServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await InfluxServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
