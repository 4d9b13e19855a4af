using Iot.Testing.Services;

namespace Iot.Cloud.Tests.TimeSeries;

/// <summary>One real influxd for a whole test class, so its start is paid once; each store gets its own database.</summary>
public sealed class InfluxServerFixture : IAsyncLifetime
{
    private int _databases;

    public InfluxServer Server { get; private set; } = null!;

    public string NewDatabase() => $"contract_{Interlocked.Increment(ref _databases)}";

    public async Task InitializeAsync() => Server = await InfluxServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
