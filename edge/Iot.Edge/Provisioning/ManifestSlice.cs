using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Iot.Edge.Sites;
using Iot.Protocol.Identifiers;

namespace Iot.Edge.Provisioning;

/// <summary>
/// One agent's slice of a site folder: <c>site.json</c> as it is, and its community file holding only its courtyard
/// with only that agent (every block kept, so the slice validates like the whole site). Everything else is copied
/// from the manifests as written, Chinese names and all.
/// </summary>
public static class ManifestSlice
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the slice into <paramref name="target"/> and checks that it is a valid site holding the agent.</summary>
    public static void Write(string siteFolder, CourtyardId courtyard, AgentId agent, string target)
    {
        ArgumentNullException.ThrowIfNull(siteFolder);
        ArgumentNullException.ThrowIfNull(target);
        var communities = Path.Combine(target, "communities");
        Directory.CreateDirectory(communities);
        OutputFiles.Write(Path.Combine(target, "site.json"), File.ReadAllBytes(Path.Combine(siteFolder, "site.json")), OutputFiles.Public);

        foreach (var file in Directory.GetFiles(Path.Combine(siteFolder, "communities"), "*.json").Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file);
            if (!text.Contains($"\"{courtyard}\"", StringComparison.Ordinal))
            {
                continue;
            }

            var community = JsonNode.Parse(text)!.AsObject();
            var yard = community["courtyards"]?.AsArray().FirstOrDefault(c => (string?)c?["id"] == courtyard.Value);
            if (yard is null)
            {
                continue;
            }

            var only = yard.DeepClone().AsObject();
            only["agents"] = new JsonArray(yard["agents"]!.AsArray().Where(a => (string?)a?["id"] == agent.Value).Select(a => a!.DeepClone()).ToArray());
            community["courtyards"] = new JsonArray(only);
            community.Remove("$schema"); // its relative path means nothing on a Pi
            OutputFiles.Write(Path.Combine(communities, Path.GetFileName(file)), Serialize(community), OutputFiles.Public);
            break;
        }

        var read = SiteFiles.Read(target);
        if (read.Site?.FindAgent(agent) is null)
        {
            throw new InvalidOperationException($"the manifest slice for {agent} is not a valid site: {string.Join("; ", read.Problems.Take(5))}");
        }
    }

    private static byte[] Serialize(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            node.WriteTo(writer);
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
