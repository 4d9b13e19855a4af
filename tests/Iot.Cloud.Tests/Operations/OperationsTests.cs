using System.Net;
using System.Text.Json;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Operations;

/// <summary>Health, readiness, metrics, OpenAPI, and settings checked at start.</summary>
public sealed class OperationsTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("iot-cloud-").FullName;
    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Health_readiness_metrics_and_openapi_answer()
    {
        await using var cloud = await CloudHost.StartAsync(_broker.Port, _data);
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
    public async Task Readiness_reports_a_lost_broker_by_name()
    {
        await using var cloud = await CloudHost.StartAsync(_broker.Port, _data);
        await cloud.WaitReadyAsync();
        await _broker.StopAsync();

        await CloudHost.WaitUntilAsync(async () => (await cloud.Http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode == HttpStatusCode.ServiceUnavailable, "not ready");
        using var response = await cloud.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Contains("not connected to MQTT broker", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await _broker.RestartAsync();
        await cloud.WaitReadyAsync();
    }
}
