using System.Text.RegularExpressions;
using Iot.Cloud.Web.Localization;
using Iot.Testing;

namespace Iot.Cloud.Tests.Web;

/// <summary>The pages are Chinese first: every text they ask for has its Chinese in the one table.</summary>
public sealed partial class TextsTests
{
    [Fact]
    public void Every_text_the_pages_use_has_a_chinese_translation()
    {
        var web = RepoPaths.Of("cloud", "Iot.Cloud", "Web");
        var files = Directory.EnumerateFiles(web, "*.cshtml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(web, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.EndsWith("Texts.cs", StringComparison.Ordinal))
            .ToList();
        var used = files.SelectMany(f => Keys().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups.Values.Skip(1).First(g => g.Success).Value))).ToList();

        Assert.True(used.Count > 150, $"only {used.Count} texts found: is the pattern still right?");
        var missing = used.Where(u => !Texts.Chinese.ContainsKey(Regex.Unescape(u.Key))).Select(u => $"{u.File}: {u.Key}").Distinct().ToList();
        Assert.True(missing.Count == 0, "no Chinese for:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Placeholders_match_between_the_languages()
    {
        foreach (var (english, chinese) in Texts.Chinese)
        {
            var wanted = Placeholders().Matches(english).Select(m => m.Value).Order(StringComparer.Ordinal);
            var found = Placeholders().Matches(chinese).Select(m => m.Value).Order(StringComparer.Ordinal);
            Assert.True(wanted.SequenceEqual(found), $"'{english}' → '{chinese}'");
        }
    }

    [Fact]
    public void Every_refusal_of_the_api_has_a_chinese_translation()
    {
        // The templates the API's problems are made from (Problems.Bad, Conflict, Of, TooMany, a refusal returned as
        // (null, $"...") and the framework statuses' words), as the compiler sees them: each hole becomes {0}, {1}, ...
        var cloud = RepoPaths.Of("cloud", "Iot.Cloud");
        var templates = Directory.EnumerateFiles(cloud, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f =>
            {
                var code = File.ReadAllText(f);
                return RefusalStart().Matches(code).Select(m => (File: Path.GetFileName(f), Template: Template(code, m.Index + m.Length)));
            })
            .ToList();

        Assert.True(templates.Count > 40, $"only {templates.Count} refusals found: is the pattern still right?");
        var missing = templates.Where(t => !Texts.Chinese.ContainsKey(t.Template)).Select(t => $"{t.File}: {t.Template}").Distinct().ToList();
        Assert.True(missing.Count == 0, "no Chinese for:\n" + string.Join("\n", missing));
    }

    // The format string of an interpolated string starting at `start` (just after $"): holes numbered in order.
    private static string Template(string code, int start)
    {
        var format = new System.Text.StringBuilder();
        var hole = 0;
        for (var i = start; ;)
        {
            var c = code[i];
            if (c == '"')
            {
                return format.ToString();
            }

            if (c == '\\' || (c is '{' or '}' && code[i + 1] == c))
            {
                format.Append(code, i, 2);
                i += 2;
                continue;
            }

            if (c != '{')
            {
                format.Append(c);
                i++;
                continue;
            }

            // Skip the hole's expression, and any string inside it.
            var depth = 1;
            for (i++; depth > 0; i++)
            {
                if (code[i] == '"')
                {
                    for (i++; code[i] != '"'; i += code[i] == '\\' ? 2 : 1)
                    {
                    }
                }
                else
                {
                    depth += code[i] switch { '{' => 1, '}' => -1, _ => 0 };
                }
            }

            format.Append('{').Append(hole++).Append('}');
        }
    }

    [GeneratedRegex("""(?:Problems\.(?:Bad\("[^"]*",\s*|Conflict\(|Of\([^,]+,\s*"[^"]*",\s*)|TooMany\(|return \(null,\s*|PhotoRefusal\.\w+ => |StatusCodes\.Status\w+ => )\$\u0022""")]
    private static partial Regex RefusalStart();

    // L["text"], L.F("text", ...), lang["text"], lang.F("text", ...), and labels in (value, "Label", icon) tables.
    [GeneratedRegex("""\b(?:L|lang)(?:\.F\(|\[)\s*"((?:[^"\\]|\\.)*)"|\("(?:lamp|gate|drain|charger|other)", "([^"]+)"|\(\d, "([^"]+)"\)""")]
    private static partial Regex Keys();

    [GeneratedRegex(@"\{\d\}")]
    private static partial Regex Placeholders();
}
