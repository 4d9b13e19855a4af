using Iot.Protocol.Identifiers;

namespace Iot.Protocol.Sites;

/// <summary>A whole site: the site file and every community file, read and validated together.</summary>
/// <param name="Manifest">The site file.</param>
/// <param name="Communities">The community files.</param>
public sealed record Site(SiteManifest Manifest, IReadOnlyList<CommunityManifest> Communities)
{
    /// <summary>Every courtyard with its community, in file order.</summary>
    public IEnumerable<(CommunityManifest Community, CourtyardManifest Courtyard)> Courtyards =>
        Communities.SelectMany(c => c.Courtyards.Select(y => (c, y)));

    /// <summary>Every agent with its courtyard, in file order.</summary>
    public IEnumerable<(CourtyardManifest Courtyard, AgentManifest Agent)> Agents =>
        Courtyards.SelectMany(p => p.Courtyard.Agents.Select(a => (p.Courtyard, a)));

    /// <summary>The agent <paramref name="id"/> and its courtyard, or null.</summary>
    public (CourtyardManifest Courtyard, AgentManifest Agent)? FindAgent(AgentId id)
    {
        foreach (var (courtyard, agent) in Agents)
        {
            if (agent.Id == id)
            {
                return (courtyard, agent);
            }
        }

        return null;
    }
}

/// <summary>The outcome of reading a site: the site when every file is sound, and every problem found.</summary>
/// <param name="Site">The site, or null when any problem was found.</param>
/// <param name="Problems">Every problem, with file and path.</param>
public sealed record SiteReadResult(Site? Site, IReadOnlyList<ManifestProblem> Problems)
{
    /// <summary>True when the site is usable.</summary>
    public bool IsValid => Site is not null;
}
