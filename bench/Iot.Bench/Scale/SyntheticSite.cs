using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Sites;
using Iot.Testing;

namespace Iot.Bench.Scale;

/// <summary>
/// A city-sized site for load: the sample site's parties, communities and blocks, with as many courtyards as asked,
/// each with one agent wired like a real sample courtyard (lamps, gates, a drain, a charger).
/// </summary>
public static class SyntheticSite
{
    public static string Write(int courtyards)
    {
        var sample = Load.SiteAgents.Sample();
        var template = sample.Agents.First(a => a.Agent.Devices.Any(d => d.Kind == DeviceKind.Charger));
        var plan = template.Courtyard.Plan;
        var folder = Directory.CreateTempSubdirectory("iot-city-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "communities"));
        File.Copy(Path.Combine(RepoPaths.SampleSite, "site.json"), Path.Combine(folder, "site.json"));

        var perCommunity = (courtyards + sample.Communities.Count - 1) / sample.Communities.Count;
        var made = 0;
        foreach (var community in sample.Communities)
        {
            var list = new List<CourtyardManifest>();
            for (var i = 0; i < perCommunity && made < courtyards; i++, made++)
            {
                var like = community.Courtyards[i % community.Courtyards.Count];
                var id = CourtyardId.Parse($"{community.Id}-c{i + 1}");
                list.Add(like with
                {
                    Id = id,
                    Name = $"{like.Name}（{i + 1}）",
                    Plan = plan,
                    Agents = [template.Agent with { Id = AgentId.Parse($"{id}-a") }],
                });
            }

            File.WriteAllText(Path.Combine(folder, "communities", $"{community.Id}.json"), ProtocolJson.SerializeToString(community with { Courtyards = list }));
        }

        return folder;
    }
}
