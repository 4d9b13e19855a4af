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

    /// <summary>Starts <paramref name="agent"/>'s uplink to <paramref name="broker"/>.</summary>
    /// <param name="agent">The agent.</param>
    /// <param name="broker">The broker.</param>
    /// <param name="mqtt">Uplink settings (the broker address is set here).</param>
    /// <param name="outbox">Window and pace; by default fast enough that pacing never shows.</param>
    /// <param name="port">Another port than the broker's plain one: its TLS listener, or a <see cref="TcpGate"/> in front of it.</param>
    /// <param name="pacedByAgentClock">Pace telemetry on the agent's fake clock instead of the system's, so a test decides when tokens come.</param>
    public LinkedAgent(AgentHarness agent, MosquittoBroker broker, MqttOptions? mqtt = null, OutboxOptions? outbox = null, int? port = null, bool pacedByAgentClock = false)
    {
        Agent = agent;
        var options = mqtt ?? new MqttOptions();
        options.Broker = $"{broker.Host}:{port ?? broker.Port}";
        Uplink = new AgentUplink(agent.Runtime, options, outbox ?? new OutboxOptions { ReplayRecordsPerSecond = 1000 }, TimeSpan.FromMinutes(10), NullLogger.Instance,
            pacedByAgentClock ? agent.Time : null);
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
