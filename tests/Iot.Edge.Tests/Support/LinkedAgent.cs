using Iot.Edge.Outbox;
using Iot.Edge.Uplink;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing;
using Iot.Testing.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace Iot.Edge.Tests.Support;

/// <summary>An <see cref="AgentHarness"/> with its real MQTT uplink running against a real Mosquitto.</summary>
public sealed class LinkedAgent : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public LinkedAgent(AgentHarness agent, MosquittoBroker broker, MqttOptions? mqtt = null, OutboxOptions? outbox = null, int? tlsPort = null)
    {
        Agent = agent;
        var options = mqtt ?? new MqttOptions();
        options.Broker = $"{broker.Host}:{tlsPort ?? broker.Port}";
        Uplink = new AgentUplink(agent.Runtime, options, outbox ?? new OutboxOptions { ReplayRecordsPerSecond = 1000 }, TimeSpan.FromMinutes(10), NullLogger.Instance);
        _running = Task.Run(() => Uplink.RunAsync(_stop.Token));
    }

    public AgentHarness Agent { get; }

    public AgentUplink Uplink { get; }

    public string Topic(Channel channel) => Agent.Identity.Topic(channel);

    /// <summary>Stops the uplink the way the service does on SIGTERM.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        await Uplink.DisposeAsync();
        _stop.Dispose();
        Agent.Dispose();
    }

    /// <summary>A subscriber to everything this agent publishes.</summary>
    public static async Task<MqttTestClient> WatchAsync(MosquittoBroker broker, string agentPrefix = "estate/v1/#")
    {
        var client = await MqttTestClient.ConnectAsync(broker.Host, broker.Port);
        await client.SubscribeAsync(agentPrefix);
        return client;
    }

    public static T Read<T>(ReceivedMessage message) => ProtocolJson.DeserializeTrusted<T>(message.Payload)!;

    public static bool Is(ReceivedMessage message, Channel channel) => message.Topic.EndsWith("/" + WireNames.Of(channel), StringComparison.Ordinal);
}
