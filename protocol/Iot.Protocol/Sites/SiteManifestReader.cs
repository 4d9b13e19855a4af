using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Serialization.Metadata;
using Iot.Protocol.Json;

namespace Iot.Protocol.Sites;

/// <summary>
/// Reads a site from the text of its files (the caller does the file I/O) and validates it as a whole.
/// A file that is not well-formed is reported with the position of the first error; a well-formed site is
/// then checked by <see cref="SiteValidator"/>, which reports every problem at once.
/// </summary>
public static partial class SiteManifestReader
{
    /// <summary>Reads and validates a site.</summary>
    /// <param name="site">The site file (<c>site.json</c>).</param>
    /// <param name="communities">The community files.</param>
    public static SiteReadResult Read(ManifestText site, IEnumerable<ManifestText> communities)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(communities);
        var problems = new List<ManifestProblem>();
        var siteManifest = Parse(site, ProtocolJsonContext.Default.SiteManifest, problems);
        var communityFiles = communities
            .Select(text => (text.File, Manifest: Parse(text, ProtocolJsonContext.Default.CommunityManifest, problems)))
            .ToList();

        if (siteManifest is null || problems.Count > 0)
        {
            return new SiteReadResult(null, problems);
        }

        var parsed = communityFiles.Select(f => (f.File, f.Manifest!)).ToList();
        problems.AddRange(SiteValidator.Validate(site.File, siteManifest, parsed));
        return problems.Count > 0
            ? new SiteReadResult(null, problems)
            : new SiteReadResult(new Site(siteManifest, parsed.Select(p => p.Item2).ToList()), problems);
    }

    /// <summary>Reads one agent's manifest (the body of a desired configuration) and validates it alone.</summary>
    public static (AgentManifest? Agent, IReadOnlyList<ManifestProblem> Problems) ReadAgent(ManifestText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<ManifestProblem>();
        var agent = Parse(text, ProtocolJsonContext.Default.AgentManifest, problems);
        if (agent is not null)
        {
            problems.AddRange(SiteValidator.ValidateAgent(text.File, "$", agent));
        }

        return (problems.Count == 0 ? agent : null, problems);
    }

    private static T? Parse<T>(ManifestText text, JsonTypeInfo<T> type, List<ManifestProblem> problems)
        where T : class
    {
        try
        {
            // From the string, the serializer transcodes into a buffer rented from ArrayPool<byte>.Shared at three bytes a
            // character: a community file of 180,000 characters takes a 1 MiB array that the pool then keeps for the life
            // of the process (1.5 MiB of an edge agent's heap). An array of the exact UTF-8 length is garbage at once.
            var value = JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(text.Json), type);
            if (value is null)
            {
                problems.Add(new ManifestProblem(text.File, "$", "the file is empty or null"));
            }

            return value;
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1})" : string.Empty;
            problems.Add(new ManifestProblem(text.File, e.Path ?? "$", FirstSentence(e.Message) + where));
            return null;
        }
    }

    // System.Text.Json speaks of .NET types and appends "Path: ... | LineNumber: ..."; a technician needs
    // the property and the fix, and the problem carries the path and line already.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        var text = cut > 0 ? message[..cut] : message;
        if (UnmappedProperty().Match(text) is { Success: true } unmapped)
        {
            return $"unknown property '{unmapped.Groups[1].Value}' (misspelt?); see firmware-config/schema for the names allowed here";
        }

        if (MissingRequired().Match(text) is { Success: true } missing)
        {
            return $"required property {missing.Groups[1].Value} is missing";
        }

        return text.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)
            ? "a value here has the wrong type (a number where text is expected, or the reverse)"
            : text;
    }

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex("missing required properties including: (.*)\\.$")]
    private static partial Regex MissingRequired();
}
