using Iot.Protocol.Sites;

namespace Iot.Edge.Sites;

/// <summary>Reads a site folder: <c>site.json</c> and <c>communities/*.json</c>.</summary>
public static class SiteFiles
{
    /// <summary>Reads and validates the site in <paramref name="folder"/>; file names in problems are relative to it.</summary>
    public static SiteReadResult Read(string folder)
    {
        var siteFile = Path.Combine(folder, "site.json");
        if (!File.Exists(siteFile))
        {
            return new SiteReadResult(null, [new ManifestProblem(siteFile, "$", "no site.json here; a site folder holds site.json and communities/*.json")]);
        }

        var communities = Path.Combine(folder, "communities");
        var files = Directory.Exists(communities) ? Directory.GetFiles(communities, "*.json").Order(StringComparer.Ordinal) : Enumerable.Empty<string>();
        return SiteManifestReader.Read(
            new ManifestText("site.json", File.ReadAllText(siteFile)),
            files.Select(f => new ManifestText(Path.GetRelativePath(folder, f), File.ReadAllText(f))));
    }
}
