namespace Iot.Protocol.Sites;

/// <summary>
/// Finds nulls inside a parsed manifest: JSON arrays and maps may hold <c>null</c> where the model has none,
/// and the deserializer does not refuse them. The validator reports these before anything else.
/// </summary>
internal static class NullItems
{
    public const string Reason = "must be an object, not null";

    public static IEnumerable<string> In(SiteManifest site) => Items(site.Parties, "$.parties", (_, _) => []);

    public static IEnumerable<string> In(CommunityManifest community) =>
        Items(community.Blocks, "$.blocks", (_, _) => [])
            .Concat(Items(community.Courtyards, "$.courtyards", (c, p) =>
                Items(c.Agents, $"{p}.agents", In)
                    .Concat(c.Plan is { } plan ? Items(plan.Buildings, $"{p}.plan.buildings", (_, _) => []) : [])));

    public static IEnumerable<string> In(AgentManifest agent, string path) =>
        Items(agent.Devices, $"{path}.devices", (d, p) =>
            Items(d.Parts, $"{p}.parts", (_, _) => [])
                .Concat((d.Thresholds ?? new Dictionary<string, Threshold>()).Where(t => t.Value is null).Select(t => $"{p}.thresholds.{t.Key}")));

    private static IEnumerable<string> Items<T>(IReadOnlyList<T>? items, string path, Func<T, string, IEnumerable<string>> inner)
        where T : class
    {
        if (items is null)
        {
            yield return path;
            yield break;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (items[i] is null)
            {
                yield return itemPath;
                continue;
            }

            foreach (var nested in inner(items[i], itemPath))
            {
                yield return nested;
            }
        }
    }
}
