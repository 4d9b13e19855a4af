using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Sites;

namespace Iot.Cloud.Web.Localization;

/// <summary>
/// Where something is, in words: courtyards, devices, outlets and units by the names the manifests give them
/// (院大门, 车棚电动车充电站), never by their ids.
/// </summary>
public sealed class Places(SiteRegistry registry, Lang lang)
{
    public string Courtyard(CourtyardId id) => Find(id)?.Name ?? id.Value;

    /// <summary>A block's name (e.g. 益康路北街区).</summary>
    public string Block(string id) => registry.Current?.Site.Communities.SelectMany(c => c.Blocks).FirstOrDefault(b => b.Id.Value == id)?.Name ?? id;

    /// <summary>A party's name (a company, an owning unit, a residents' committee).</summary>
    public string Party(string id) => registry.Current?.Site.Manifest.Parties.FirstOrDefault(p => p.Id.Value == id)?.Name ?? id;

    /// <summary>
    /// A work order's or alert's subject within its courtyard: <c>{agent}</c> is the courtyard unit, <c>{agent}/{device}</c>
    /// the device's name, <c>{agent}/{device}/o{n}</c> with its outlet; a report's own subject (<c>{courtyard}/resident-…</c>)
    /// names nothing more than the courtyard and is empty.
    /// </summary>
    public string Subject(CourtyardId courtyardId, string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var courtyard = Find(courtyardId);
        if (subject == courtyardId.Value || subject.StartsWith(courtyardId.Value + "/", StringComparison.Ordinal))
        {
            return string.Empty; // a report's own subject: the courtyard says it all
        }

        var agents = courtyard?.Agents ?? [];
        if (!Kernel.Subject.TryParse(subject, out var about) || agents.ToList().FindIndex(a => a.Id == about.Value.Agent) is var agentIndex && agentIndex < 0)
        {
            // A staff order's own words for what it is about.
            return subject;
        }

        if (about.Value.Device is not { } device)
        {
            return agents.Count > 1 ? $"{lang["Courtyard unit"]} {agentIndex + 1}" : lang["Courtyard unit"];
        }

        var name = agents[agentIndex].Devices.FirstOrDefault(d => d.Id == device)?.Name ?? lang["Device"];
        return about.Value.Outlet is { } outlet ? $"{name} {lang.F("outlet {0}", outlet)}" : name;
    }

    /// <summary>The courtyard and, when there is one, the thing in it: "益康路1号院 · 院大门".</summary>
    public string Where(CourtyardId courtyardId, string subject) =>
        Subject(courtyardId, subject) is { Length: > 0 } thing ? $"{Courtyard(courtyardId)} · {thing}" : Courtyard(courtyardId);

    /// <summary>Every unit and device of the given courtyards by subject (<c>{agent}</c>, <c>{agent}/{device}</c>), for the live pages.</summary>
    public Dictionary<string, string> Names(IEnumerable<CourtyardId> courtyardIds)
    {
        ArgumentNullException.ThrowIfNull(courtyardIds);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in courtyardIds)
        {
            foreach (var agent in Find(id)?.Agents ?? [])
            {
                names[agent.Id.Value] = Subject(id, agent.Id.Value);
                foreach (var device in agent.Devices)
                {
                    names[$"{agent.Id.Value}/{device.Id.Value}"] = device.Name;
                }
            }
        }

        return names;
    }

    private CourtyardManifest? Find(CourtyardId id) =>
        registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id == id).Courtyard;
}
