using System.Net;
using System.Text.Json;
using Iot.Cloud.Broker;
using Iot.Cloud.Tests.Support;
using Iot.Testing;
using Iot.Testing.Services;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Operations;

/// <summary>Health, readiness, metrics, OpenAPI, and settings checked at start.</summary>
public sealed class OperationsTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    // Each test's cloud finds no session or retained message of the one before.
    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Health_readiness_metrics_and_openapi_answer()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"));
        await cloud.WaitReadyAsync();

        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        using var ready = JsonDocument.Parse(await cloud.Http.GetStringAsync(new Uri("/readyz", UriKind.Relative)));
        var checks = ready.RootElement.GetProperty("checks");
        Assert.All(new[] { "broker", "database", "timeseries", "ingest" }, name => Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString()));

        var metrics = await cloud.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("iot_ingest_queue_depth", metrics, StringComparison.Ordinal);

        var openapi = await cloud.Http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Contains("/api/courtyards/{id}/latest", openapi, StringComparison.Ordinal);
        Assert.Contains("/api/ingest/dead-letters", openapi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_waits_until_the_broker_has_granted_the_subscriptions_so_a_message_sent_once_ready_is_received()
    {
        // The cloud reaches the broker through a relay that holds back the broker's SUBACK: connected, not yet subscribed.
        await using var gate = SubackGate.Start(broker.Port);
        await using var cloud = await CloudHost.StartAsync(gate.Port, broker.NewFolder("cloud"));
        var probe = cloud.Http; // the street office: /readyz names the check that is not ready only to it (and to loopback)
        await gate.Holding.WaitAsync(Patience.Of(CloudHost.DefaultWait));

        // Wait for the state itself: should the held SUBACK outlast the cloud's subscribe timeout, it connects again.
        await CloudHost.WaitUntilAsync(
            async () =>
            {
                using var response = await probe.GetAsync(new Uri("/readyz", UriKind.Relative));
                return response.StatusCode == HttpStatusCode.ServiceUnavailable
                    && (await response.Content.ReadAsStringAsync()).Contains("subscriptions not yet granted", StringComparison.Ordinal);
            },
            "/readyz reporting the broker connected but the subscriptions not granted");

        gate.Release();
        await cloud.WaitReadyAsync(CloudMqttClient.LongestReconnect + CloudHost.DefaultWait);

        // Ready means subscribed: a message published at once, and not retained, is received and stored.
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await agent.TelemetryAsync(1, TestAgent.Current(0.4, DateTimeOffset.UtcNow.AddMinutes(-1)));
        await cloud.WaitProcessedAsync(1);
        Assert.Equal(1, (await cloud.GetAsync<Iot.Cloud.Ingest.IngestStatsView>("/api/ingest/stats")).ReadingsSinceStart);
    }

    [Fact]
    public async Task Readiness_reports_a_lost_broker_by_name()
    {
        // This test stops its broker, so it has its own. Business time stands still (a fake clock nobody moves):
        // reconnecting runs on the retry clock and must not wait for it.
        await using var own = await MosquittoBroker.StartAsync();
        await using var cloud = await CloudHost.StartAsync(own.Port, broker.NewFolder("cloud"), clock: new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 4, 0, 0, TimeSpan.Zero)));
        await cloud.WaitReadyAsync();
        await own.StopAsync();

        var report = string.Empty;
        await CloudHost.WaitUntilAsync(
            async () =>
            {
                using var response = await cloud.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
                report = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.ServiceUnavailable;
            },
            "not ready");
        Assert.Contains("not connected to MQTT broker", report, StringComparison.Ordinal);

        // However long the broker was away, the cloud's next attempt comes within its longest backoff.
        await own.RestartAsync();
        await cloud.WaitReadyAsync(CloudMqttClient.LongestReconnect + CloudHost.DefaultWait);
    }
}
