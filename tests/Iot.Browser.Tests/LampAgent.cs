using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing;

namespace Iot.Browser.Tests;

/// <summary>Speaks the wire protocol as a sample site's agent (<c>yikang-1-a</c> unless told) would: presence, readings, device events.</summary>
public sealed class LampAgent : IAsyncDisposable
{
    private readonly MqttTestClient _client;
    private readonly BootId _boot = BootId.Parse("b0000000000000b0b");
    private readonly CourtyardId _courtyard;
    private long _seq;
    private long _statusSeq;

    private LampAgent(MqttTestClient client, string courtyard, string agent)
    {
        _client = client;
        _courtyard = CourtyardId.Parse(courtyard);
        Agent = AgentId.Parse(agent);
    }

    public AgentId Agent { get; }

    public static async Task<LampAgent> ConnectAsync(int brokerPort, string courtyard = "yikang-1", string agent = "yikang-1-a") =>
        new(await MqttTestClient.ConnectAsync("127.0.0.1", brokerPort, clientId: $"{agent}-{Guid.NewGuid():N}"), courtyard, agent);

    private string Topic(Channel channel) => new AgentTopic(SiteId.Parse("yongchang"), _courtyard, Agent, channel).ToString();

    public Task OnlineAsync() =>
        _client.PublishAsync(Topic(Channel.Status), ProtocolJson.Serialize(new AgentStatus(
            ProtocolVersion.Current, Agent, _boot, ++_statusSeq, Presence.Online, "1.0.0-browser-test", ClockSynced: true, BootMs: 60_000, At: DateTimeOffset.UtcNow)), retain: true);

    public Task LampCurrentAsync(double amps, string lamp = "lamp-01") =>
        _client.PublishAsync(Topic(Channel.Telemetry), ProtocolJson.Serialize(new TelemetryBatch(
            ProtocolVersion.Current, Agent, _boot, ++_seq, [new Reading(SensorId.Parse($"{lamp}.current"), Quantity.Current, amps, At: DateTimeOffset.UtcNow)])));

    /// <summary>A device event; a charger's names its <paramref name="outlet"/>.</summary>
    public Task EventAsync(EventKind kind, string device, int? outlet = null) =>
        _client.PublishAsync(Topic(Channel.Events), ProtocolJson.Serialize(new DeviceEvent(ProtocolVersion.Current, Agent, _boot, ++_seq, kind, DeviceId.Parse(device), At: DateTimeOffset.UtcNow, Outlet: outlet)));

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
