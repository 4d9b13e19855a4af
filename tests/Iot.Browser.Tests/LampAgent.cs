using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing;

namespace Iot.Browser.Tests;

/// <summary>Speaks the wire protocol as the sample site's agent <c>yikang-1-a</c> would: presence, readings, device events.</summary>
public sealed class LampAgent : IAsyncDisposable
{
    private readonly MqttTestClient _client;
    private readonly BootId _boot = BootId.Parse("b0000000000000b0b");
    private long _seq;
    private long _statusSeq;

    private LampAgent(MqttTestClient client) => _client = client;

    public static AgentId Agent { get; } = AgentId.Parse("yikang-1-a");

    public static async Task<LampAgent> ConnectAsync(int brokerPort) =>
        new(await MqttTestClient.ConnectAsync("127.0.0.1", brokerPort, clientId: $"yikang-1-a-{Guid.NewGuid():N}"));

    private static string Topic(Channel channel) => new AgentTopic(SiteId.Parse("yongchang"), CourtyardId.Parse("yikang-1"), Agent, channel).ToString();

    public Task OnlineAsync() =>
        _client.PublishAsync(Topic(Channel.Status), ProtocolJson.Serialize(new AgentStatus(
            ProtocolVersion.Current, Agent, _boot, ++_statusSeq, Presence.Online, "1.0.0-browser-test", ClockSynced: true, BootMs: 60_000, At: DateTimeOffset.UtcNow)), retain: true);

    public Task LampCurrentAsync(double amps, string lamp = "lamp-01") =>
        _client.PublishAsync(Topic(Channel.Telemetry), ProtocolJson.Serialize(new TelemetryBatch(
            ProtocolVersion.Current, Agent, _boot, ++_seq, [new Reading(SensorId.Parse($"{lamp}.current"), Quantity.Current, amps, At: DateTimeOffset.UtcNow)])));

    public Task EventAsync(EventKind kind, string device) =>
        _client.PublishAsync(Topic(Channel.Events), ProtocolJson.Serialize(new DeviceEvent(ProtocolVersion.Current, Agent, _boot, ++_seq, kind, DeviceId.Parse(device), At: DateTimeOffset.UtcNow)));

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
