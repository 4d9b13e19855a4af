using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing;

namespace Iot.Cloud.Tests.Support;

/// <summary>
/// Speaks the wire protocol as one agent of the sample site would, over a real MQTT connection, so cloud tests
/// control exactly which seqs, boots and times arrive.
/// </summary>
public sealed class TestAgent : IAsyncDisposable
{
    private readonly MqttTestClient _client;
    private long _statusSeq;

    private TestAgent(MqttTestClient client, string courtyard, string agent, string boot)
    {
        _client = client;
        Courtyard = CourtyardId.Parse(courtyard);
        Agent = AgentId.Parse(agent);
        Boot = BootId.Parse(boot);
    }

    public CourtyardId Courtyard { get; }

    public AgentId Agent { get; }

    public BootId Boot { get; private set; }

    public static async Task<TestAgent> ConnectAsync(int brokerPort, string courtyard = "yikang-1", string agent = "yikang-1-a", string boot = "b0000000000000001") =>
        new(await MqttTestClient.ConnectAsync("127.0.0.1", brokerPort, clientId: $"{agent}-{Guid.NewGuid():N}", configure: o => o.WithTimeout(Patience.Seconds(30))), courtyard, agent, boot);

    public string Topic(Channel channel) => new AgentTopic(SiteId.Parse("yongchang"), Courtyard, Agent, channel).ToString();

    public void Reboot(string boot)
    {
        Boot = BootId.Parse(boot);
        _statusSeq = 0;
    }

    public Task StatusAsync(DateTimeOffset? at, long bootMs, string? configHash = null, ConfigRejection? rejected = null, Presence state = Presence.Online, AgentHealth? health = null) =>
        _client.PublishAsync(Topic(Channel.Status), ProtocolJson.Serialize(new AgentStatus(
            ProtocolVersion.Current, Agent, Boot, ++_statusSeq, state, "1.0.0-test", ClockSynced: at is not null, BootMs: bootMs, At: at,
            ConfigHash: configHash, RejectedConfig: rejected, Health: health)), retain: true);

    public Task TelemetryAsync(long seq, params Reading[] readings) =>
        _client.PublishAsync(Topic(Channel.Telemetry), ProtocolJson.Serialize(new TelemetryBatch(ProtocolVersion.Current, Agent, Boot, seq, readings)));

    public Task TelemetryWithClockAsync(long seq, SyncedClock clock, params Reading[] readings) =>
        _client.PublishAsync(Topic(Channel.Telemetry), ProtocolJson.Serialize(new TelemetryBatch(ProtocolVersion.Current, Agent, Boot, seq, readings, clock)));

    public Task EventAsync(long seq, EventKind kind, string device, DateTimeOffset at) =>
        _client.PublishAsync(Topic(Channel.Events), ProtocolJson.Serialize(new DeviceEvent(ProtocolVersion.Current, Agent, Boot, seq, kind, DeviceId.Parse(device), At: at)));

    public Task RawAsync(string topic, byte[] payload) => _client.PublishAsync(topic, payload);

    public static Reading Current(double amps, DateTimeOffset at, string sensor = "lamp-01.current") => new(SensorId.Parse(sensor), Quantity.Current, amps, At: at);

    public static Reading CurrentAtBootMs(double amps, long bootMs, string sensor = "lamp-01.current") => new(SensorId.Parse(sensor), Quantity.Current, amps, BootMs: bootMs);

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
