using Iot.Bench.Ingest;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing;

namespace Iot.Bench.Hostile;

/// <summary>
/// One agent's stolen password (issue 20): valid messages on its own topic, each from a new boot and with a new sensor
/// (a new signal on one of its real devices, so the manifest check lets it through and only the budget and the caps stop it).
/// The agent is the sample site's agent after the honest ones.
/// </summary>
public static class FloodCorpus
{
    public static List<HostileMessage> Generate(int count, int honestAgents)
    {
        var site = TelemetryLoad.SampleSite();
        var (courtyard, agent) = site.Agents.Skip(honestAgents).First();
        var device = agent.Devices[0].Id;
        var topic = new AgentTopic(site.Manifest.Id, courtyard.Id, agent.Id, Channel.Telemetry).ToString();
        var at = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds());
        var salt = Random.Shared.NextInt64() & 0xffffffff;
        return [.. Enumerable.Range(0, count).Select(i => new HostileMessage(
            topic,
            ProtocolJson.Serialize(new TelemetryBatch(ProtocolVersion.Current, agent.Id, BootId.Parse($"b{salt:x8}{i:x8}"), 1,
                [new Reading(SensorId.Of(device, $"flood{i}"), Quantity.Current, 0.5, At: at.AddMilliseconds(i))])),
            "flood"))];
    }
}
