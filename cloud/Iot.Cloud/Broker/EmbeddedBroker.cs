using System.Net;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace Iot.Cloud.Broker;

/// <summary>
/// The MQTT broker inside the cloud process, for a single machine and the one-command demo. It listens on
/// <see cref="BrokerOptions.Host"/>:<see cref="BrokerOptions.Port"/> (loopback by default) and accepts anonymous
/// clients. It has no shared subscriptions and no ACL; production uses Mosquitto (see docker/ and README).
/// </summary>
public sealed partial class EmbeddedBroker(IOptions<BrokerOptions> options, ILogger<EmbeddedBroker> logger) : IHostedService, IAsyncDisposable
{
    private MqttServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(o.Host))
            .WithDefaultEndpointPort(o.Port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(100_000)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);

        // MQTT lets a client connect with an empty id and a clean session; the broker must then assign one.
        _server.ValidatingConnectionAsync += e =>
        {
            if (string.IsNullOrEmpty(e.ClientId))
            {
                e.AssignedClientIdentifier = $"auto-{Guid.NewGuid():N}";
            }

            return Task.CompletedTask;
        };
        await _server.StartAsync();
        LogListening(logger, o.Host, o.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            _server.Dispose();
            _server = null;
        }

        await ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Host}:{Port}")]
    private static partial void LogListening(ILogger logger, string host, int port);
}
