using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Bench.Load;

/// <summary>One agent of a site speaking the protocol over its own MQTT connection, as load and as a probe.</summary>
public sealed class AgentPublisher : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly SiteId _site;
    private long _seq;
    private long _statusSeq;

    public AgentPublisher(SiteId site, CourtyardId courtyard, AgentId agent, IReadOnlyList<DeviceId> devices)
    {
        _site = site;
        Courtyard = courtyard;
        Agent = agent;
        Devices = devices;
        Boot = BootId.Parse($"bench{Guid.NewGuid():N}"[..24]);
    }

    public CourtyardId Courtyard { get; }

    public AgentId Agent { get; }

    public BootId Boot { get; }

    public IReadOnlyList<DeviceId> Devices { get; }

    public bool IsConnected => _client.IsConnected;

    public async Task ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var result = await _client.ConnectAsync(
            new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId($"bench-{Agent}").WithKeepAlivePeriod(TimeSpan.FromSeconds(60)).WithTimeout(TimeSpan.FromSeconds(60)).Build(),
            cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"{Agent}: broker refused: {result.ResultCode}");
        }
    }

    public Task StatusAsync(CancellationToken cancellationToken) =>
        PublishAsync(Channel.Status, new AgentStatus(ProtocolVersion.Current, Agent, Boot, ++_statusSeq, Presence.Online, "bench", true, Environment.TickCount64, DateTimeOffset.UtcNow), retain: true, cancellationToken);

    /// <summary>A telemetry batch of <paramref name="count"/> current readings spread over the agent's devices, stamped now.</summary>
    public Task TelemetryAsync(int count, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var seq = Interlocked.Increment(ref _seq);
        var readings = new Reading[count];
        for (var i = 0; i < count; i++)
        {
            // Distinct sensors within a message keep (sensor, time) unique; values stay within a lamp's normal band.
            readings[i] = new Reading(SensorId.Of(Devices[i % Devices.Count], $"b{i / Devices.Count}"), Quantity.Current, 0.3 + ((seq + i) % 7 * 0.01), At: now);
        }

        return PublishAsync(Channel.Telemetry, new TelemetryBatch(ProtocolVersion.Current, Agent, Boot, seq, readings), retain: false, cancellationToken);
    }

    public Task EventAsync(EventKind kind, DeviceId device, CancellationToken cancellationToken) =>
        PublishAsync(Channel.Events, new DeviceEvent(ProtocolVersion.Current, Agent, Boot, Interlocked.Increment(ref _seq), kind, device, At: DateTimeOffset.UtcNow), retain: false, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }

    private async Task PublishAsync<T>(Channel channel, T message, bool retain, CancellationToken cancellationToken)
    {
        var result = await _client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(new AgentTopic(_site, Courtyard, Agent, channel).ToString())
                .WithPayload(ProtocolJson.Serialize(message)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain).Build(),
            cancellationToken);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"{Agent}: publish refused: {result.ReasonCode}");
        }
    }
}
