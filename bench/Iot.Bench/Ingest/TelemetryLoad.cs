using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using Iot.Protocol.Topics;
using Iot.Testing;

namespace Iot.Bench.Ingest;

/// <summary>
/// A fixed stream of telemetry from real agents of the sample site (so the cloud's registry accepts it): each
/// agent sends batches of readings of its own sensors, every reading unique in (agent, sensor, time).
/// Payloads are serialised up front so publishing measures the broker and the consumer, not the generator.
/// </summary>
public sealed class TelemetryLoad
{
    private TelemetryLoad(IReadOnlyList<AgentTraffic> agents, int readingsPerMessage)
    {
        Agents = agents;
        ReadingsPerMessage = readingsPerMessage;
    }

    public IReadOnlyList<AgentTraffic> Agents { get; }

    public int ReadingsPerMessage { get; }

    public int Messages => Agents.Sum(a => a.Payloads.Count);

    public long Readings => (long)Messages * ReadingsPerMessage;

    /// <param name="hoursAgo">Where the readings' times start; loads sent to one cloud in turn start at different hours so no reading repeats.</param>
    public static TelemetryLoad Build(int agents, int messagesPerAgent, int readingsPerMessage, int hoursAgo = 2)
    {
        var site = SampleSite();
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-hoursAgo).ToUnixTimeSeconds());
        var streams = new List<AgentTraffic>();
        foreach (var (courtyard, agent) in site.Agents.Take(agents))
        {
            var sensors = agent.Devices.SelectMany(d => new[] { SensorId.Of(d.Id, "current"), SensorId.Of(d.Id, "voltage") }).ToArray();
            var boot = BootId.Parse($"bench{Random.Shared.NextInt64():x16}"[..21]);
            var topic = new AgentTopic(site.Manifest.Id, courtyard.Id, agent.Id, Channel.Telemetry).ToString();
            var payloads = new List<byte[]>(messagesPerAgent);
            for (var m = 0; m < messagesPerAgent; m++)
            {
                var readings = new Reading[readingsPerMessage];
                for (var r = 0; r < readingsPerMessage; r++)
                {
                    var n = (m * readingsPerMessage) + r;
                    // One sensor per slot; time advances per round, so every (sensor, time) is new.
                    readings[r] = new Reading(sensors[n % sensors.Length], Quantity.Current, Math.Round(0.3 + (n % 17) * 0.01, 3), At: start.AddMilliseconds(n / sensors.Length * 100));
                }

                payloads.Add(ProtocolJson.Serialize(new TelemetryBatch(ProtocolVersion.Current, agent.Id, boot, m + 1, readings)));
            }

            streams.Add(new AgentTraffic(agent.Id.Value, topic, payloads));
        }

        return new TelemetryLoad(streams, readingsPerMessage);
    }

    /// <summary>The sample site, as the cloud reads it.</summary>
    public static Site SampleSite()
    {
        var dir = RepoPaths.SampleSite;
        return SiteManifestReader.Read(
            new ManifestText("site.json", File.ReadAllText(Path.Combine(dir, "site.json"))),
            Directory.GetFiles(Path.Combine(dir, "communities"), "*.json").Order(StringComparer.Ordinal).Select(f => new ManifestText(f, File.ReadAllText(f)))).Site
            ?? throw new InvalidOperationException("the sample site does not validate");
    }
}

/// <summary>One agent's topic and its messages in order.</summary>
public sealed record AgentTraffic(string Agent, string Topic, IReadOnlyList<byte[]> Payloads);
