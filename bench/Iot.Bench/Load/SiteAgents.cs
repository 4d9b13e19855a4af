using Iot.Protocol.Sites;
using Iot.Testing;

namespace Iot.Bench.Load;

/// <summary>The agents of a site folder, as publishers.</summary>
public static class SiteAgents
{
    public static Site Read(string folder)
    {
        var result = SiteManifestReader.Read(
            new ManifestText("site.json", File.ReadAllText(Path.Combine(folder, "site.json"))),
            Directory.GetFiles(Path.Combine(folder, "communities"), "*.json").Order(StringComparer.Ordinal).Select(f => new ManifestText(f, File.ReadAllText(f))));
        return result.Site ?? throw new InvalidOperationException($"the site in {folder} does not validate: {string.Join("; ", result.Problems.Take(5))}");
    }

    public static List<AgentPublisher> Publishers(Site site, int skip, int take) =>
        site.Agents.Skip(skip).Take(take)
            .Select(p => new AgentPublisher(site.Manifest.Id, p.Courtyard.Id, p.Agent.Id, p.Agent.Devices.Select(d => d.Id).ToList()))
            .ToList();

    public static Site Sample() => Read(RepoPaths.SampleSite);
}
