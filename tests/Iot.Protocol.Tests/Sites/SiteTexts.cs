using System.Text.Json.Nodes;
using Iot.Protocol.Sites;
using Iot.Testing;

namespace Iot.Protocol.Tests.Sites;

/// <summary>The sample site's files as text, and a way to edit one before reading the site.</summary>
internal sealed record SiteTexts(ManifestText Site, IReadOnlyList<ManifestText> Communities)
{
    public static SiteTexts Sample()
    {
        var dir = RepoPaths.SampleSite;
        return new SiteTexts(
            new ManifestText("site.json", File.ReadAllText(Path.Combine(dir, "site.json"))),
            Directory.GetFiles(Path.Combine(dir, "communities"), "*.json").Order(StringComparer.Ordinal)
                .Select(f => new ManifestText($"communities/{Path.GetFileName(f)}", File.ReadAllText(f)))
                .ToList());
    }

    public SiteReadResult Read() => SiteManifestReader.Read(Site, Communities);

    /// <summary>Edits the community file <paramref name="file"/> as a JSON tree.</summary>
    public SiteTexts EditCommunity(string file, Action<JsonNode> edit) => this with
    {
        Communities = Communities.Select(c => c.File == file ? c with { Json = Edit(c.Json, edit) } : c).ToList(),
    };

    /// <summary>Edits the site file as a JSON tree.</summary>
    public SiteTexts EditSite(Action<JsonNode> edit) => this with { Site = Site with { Json = Edit(Site.Json, edit) } };

    private static string Edit(string json, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(json, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        edit(node);
        return node.ToJsonString();
    }
}
