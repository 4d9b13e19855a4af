using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iot.Cloud.Auth;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>
/// What every page is checked for, as a person sees it: nothing wider than the screen, targets a finger can hit, one
/// language, and names where the service has them, never ids. Used by the page tests of each part of the site.
/// </summary>
internal static partial class PageScan
{
    /// <summary>Units and codes that are the same in both languages.</summary>
    public static readonly HashSet<string> Neutral = new(StringComparer.Ordinal) { "cm", "lx", "kPa", "kWh", "Wh", "WO", "CSV", "JPEG", "PNG", "MB", "KB", "QR" };

    /// <summary>What a finger must be able to hit on every page (44 × 44 px).</summary>
    public const string Targets = "button, .button, a.tab, .top nav a, .who a, .who button, .row-actions button, details summary";

    // What a person sees: visible text nodes, and the labels and placeholders of visible controls, without the other
    // language's switch link, the units' own words (marked with their language) and code (a command to type).
    private const string VisibleText = """
        other => {
          const skip = el => el.closest(`script, style, code, [lang^="${other}"]`) || !el.getClientRects().length;
          const parts = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const parent = walker.currentNode.parentElement;
            if (parent && !skip(parent) && walker.currentNode.textContent.trim()) {
              parts.push(walker.currentNode.textContent.trim());
            }
          }
          document.querySelectorAll("[aria-label], [placeholder], [data-label], [title], optgroup[label]").forEach(el => {
            if (!skip(el) || el.tagName === "OPTGROUP") {
              parts.push(el.getAttribute("aria-label") || "", el.getAttribute("placeholder") || "", el.getAttribute("data-label") || "",
                el.getAttribute("title") || "", el.tagName === "OPTGROUP" ? el.getAttribute("label") : "");
            }
          });
          return parts.join("\n");
        }
        """;

    /// <summary>Every problem of the page now shown, each prefixed with <paramref name="where"/>.</summary>
    public static async Task<List<string>> ScanAsync(IPage page, string where, bool english, Known known, string targets = Targets, IEnumerable<string>? same = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(known);
        var problems = await FitAsync(page, targets);
        var text = await page.EvaluateAsync<string>(VisibleText, english ? "zh" : "en");
        problems.AddRange(Language(text, english, known.Data, same));
        // An address (a QR card's, a link's) holds ids: it is the address, not a label.
        var words = Address().Replace(text, " ");
        problems.AddRange(known.Ids.Where(id => Regex.IsMatch(words, $@"(?<![\w-]){Regex.Escape(id)}(?![\w-])")).Select(id => $"shows the id {id}"));
        return [.. problems.Select(p => $"{where}: {p}")];
    }

    /// <summary>Nothing wider than the screen or sticking out of it; every target at least 44 × 44 px.</summary>
    public static async Task<List<string>> FitAsync(IPage page, string targets = Targets)
    {
        ArgumentNullException.ThrowIfNull(page);
        return [.. await page.EvaluateAsync<string[]>("""
            targets => {
              const problems = [];
              if (document.scrollingElement.scrollWidth > innerWidth) {
                problems.push(`the page is ${document.scrollingElement.scrollWidth} px wide in a ${innerWidth} px window`);
              }
              document.querySelectorAll(targets).forEach(el => {
                const box = el.getBoundingClientRect();
                const name = (el.textContent || el.name || el.id || "").trim();
                if (box.width > 0 && (box.width < 44 || box.height < 44)) {
                  problems.push(`"${name}" is ${Math.round(box.width)}×${Math.round(box.height)} px`);
                }
                if (box.width > 0 && box.right > innerWidth + 1) {
                  problems.push(`"${name}" sticks out to ${Math.round(box.right)} px`);
                }
              });
              return problems;
            }
            """, targets)];
    }

    /// <summary>
    /// English words in a Chinese page, or Chinese left in an English one. Names, titles and what people wrote are data,
    /// Chinese in both languages; addresses and <paramref name="same"/> (such as sign-in names) are neither language.
    /// </summary>
    public static IEnumerable<string> Language(string text, bool english, IReadOnlyList<string> data, IEnumerable<string>? same = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(data);
        text = Address().Replace(text, " ");
        foreach (var word in same ?? [])
        {
            text = text.Replace(word, " ", StringComparison.Ordinal);
        }

        if (!english)
        {
            return Latin().Matches(text).Select(m => m.Value).Where(w => !Neutral.Contains(w)).Distinct().Select(w => $"English word '{w}'");
        }

        foreach (var known in data)
        {
            text = text.Replace(known, " ", StringComparison.Ordinal);
        }

        return Han().Matches(text).Select(m => m.Value).Distinct().Select(w => $"Chinese '{w}'");
    }

    /// <summary>
    /// The Chinese data the pages show as it is (names of places, devices, parties and people; titles; rule names; what
    /// people typed), and the ids that must never show where those names exist, as the street office's API tells them.
    /// </summary>
    public static async Task<Known> KnownAsync(HttpClient admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var data = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var named = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonElement e, string? property)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        Walk(p.Value, p.Name);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray())
                    {
                        Walk(item, property);
                    }

                    break;
                case JsonValueKind.String when Han().IsMatch(e.GetString()!):
                    data.Add(e.GetString()!);
                    break;
                case JsonValueKind.String when property is "id" or "agent" or "device" or "courtyard" or "party" or "responsible" or "community" or "block" && e.GetString()!.Contains('-', StringComparison.Ordinal):
                    ids.Add(e.GetString()!);
                    if (property == "courtyard")
                    {
                        named.Add(e.GetString()!);
                    }

                    break;
            }
        }

        foreach (var url in new[] { "/api/site", "/api/parties", "/api/courtyards", "/api/rules", "/api/alerts?status=all&limit=1000", "/api/work-orders?limit=1000" })
        {
            Walk(await admin.GetFromJsonAsync<JsonElement>(url), null);
        }

        // The devices of every courtyard the alerts and orders name (other tests' alerts show in the lists too).
        foreach (var courtyard in named.ToList())
        {
            using var answer = await admin.GetAsync(new Uri($"/api/courtyards/{courtyard}", UriKind.Relative));
            if (answer.IsSuccessStatusCode)
            {
                Walk(await answer.Content.ReadFromJsonAsync<JsonElement>(), null);
            }
        }

        data.AddRange(DemoAccounts.All.Select(a => a.DisplayName));
        data.AddRange(DemoAccounts.Teams.Select(t => t.Name)); // volunteer teams are named by their people

        // Chart labels are names cut to six characters: data as well.
        data.AddRange([.. data.Where(d => d.Length > 6).Select(d => d[..6])]);
        ids.UnionWith(DemoAccounts.All.Select(a => a.UserName));
        ids.RemoveWhere(id => id.StartsWith("WO-", StringComparison.Ordinal));
        return new Known([.. data.Distinct().OrderByDescending(d => d.Length)], [.. ids]);
    }

    [GeneratedRegex(@"https?://\S+|Web:PublicBaseUrl")]
    private static partial Regex Address();

    [GeneratedRegex("[A-Za-z]{2,}")]
    private static partial Regex Latin();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}+")]
    private static partial Regex Han();
}

/// <summary>What the pages may show as data, and the ids they must not show.</summary>
internal sealed record Known(IReadOnlyList<string> Data, IReadOnlyList<string> Ids);
