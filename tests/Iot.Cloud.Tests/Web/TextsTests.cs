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

    // L["text"], L.F("text", ...), lang["text"], lang.F("text", ...), and labels in (value, "Label", icon) tables.
    [GeneratedRegex("""\b(?:L|lang)(?:\.F\(|\[)\s*"((?:[^"\\]|\\.)*)"|\("(?:lamp|gate|drain|charger|other)", "([^"]+)"|\(\d, "([^"]+)"\)""")]
    private static partial Regex Keys();

    [GeneratedRegex(@"\{\d\}")]
    private static partial Regex Placeholders();
}
