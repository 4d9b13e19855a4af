using System.Security.Cryptography;
using Iot.Protocol.Sites;

namespace Iot.Cloud.Sites;

/// <summary>The manifest files of a site folder, read together, with a hash that changes when any of them does.</summary>
public sealed record SiteFolder(ManifestText Site, IReadOnlyList<ManifestText> Communities, string Hash)
{
    /// <summary>Reads <c>site.json</c> and <c>communities/*.json</c> from <paramref name="folder"/>.</summary>
    public static SiteFolder Read(string folder)
    {
        var siteFile = Path.Combine(folder, "site.json");
        if (!File.Exists(siteFile))
        {
            throw new FileNotFoundException($"no site.json in site folder '{Path.GetFullPath(folder)}' (setting Sites:Folder)", siteFile);
        }

        var site = new ManifestText("site.json", File.ReadAllText(siteFile));
        var communityFolder = Path.Combine(folder, "communities");
        var communities = (Directory.Exists(communityFolder) ? Directory.GetFiles(communityFolder, "*.json") : [])
            .Order(StringComparer.Ordinal)
            .Select(f => new ManifestText($"communities/{Path.GetFileName(f)}", File.ReadAllText(f)))
            .ToList();

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var text in communities.Prepend(site))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(text.File + "\n" + text.Json + "\n"));
        }

        return new SiteFolder(site, communities, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>
    /// A cheap fingerprint of the folder (file names, sizes, modification times), so polling reads and hashes the
    /// files only when one of them has changed.
    /// </summary>
    public static string Stamp(string folder)
    {
        var files = new[] { Path.Combine(folder, "site.json") }
            .Concat(Directory.Exists(Path.Combine(folder, "communities")) ? Directory.GetFiles(Path.Combine(folder, "communities"), "*.json") : [])
            .Order(StringComparer.Ordinal)
            .Select(f => new FileInfo(f))
            .Select(f => f.Exists ? $"{f.FullName}:{f.Length}:{f.LastWriteTimeUtc.Ticks}" : $"{f.FullName}:missing");
        return string.Join('|', files);
    }

    /// <summary>Reads and validates the site these files describe.</summary>
    public SiteReadResult Parse() => SiteManifestReader.Read(Site, Communities);
}
