using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Dashboards;
using Iot.Cloud.Web.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Pages.Dashboard;

/// <summary>
/// The audit log for the residents' committee and the street office (审计记录): who changed which order, alert,
/// maintenance window, rule, account or command, when and why; by party, courtyard, person and period, and as CSV.
/// Nothing here can change it: the log is append-only in code and in the database.
/// </summary>
[Authorize(Policy = Policies.Supervise)]
public sealed class AuditModel(AuditTrail trail, CloudDb db, AccessScope scope, SiteRegistry registry, Lang lang, TimeProvider time) : PageModel
{
    /// <summary>The most rows the page shows; the CSV holds them all.</summary>
    public const int PageRows = 500;

    public IReadOnlyList<AuditLine> Lines { get; private set; } = [];

    /// <summary>More entries matched than <see cref="AuditTrail.MaxLines"/>: the period should be narrowed.</summary>
    public bool Cut { get; private set; }

    public DateOnly From { get; private set; }

    public DateOnly To { get; private set; }

    public string? Party { get; private set; }

    public string? Courtyard { get; private set; }

    public string? Person { get; private set; }

    public Places Places { get; } = new(registry, lang);

    /// <summary>The entries in the page's words.</summary>
    public AuditWords Words { get; private set; } = null!;

    /// <summary>The parties and courtyards in scope, for the filters.</summary>
    public IReadOnlyList<(string Id, string Name)> Parties { get; private set; } = [];

    public IReadOnlyList<(string Id, string Name)> Courtyards { get; private set; } = [];

    /// <summary>The same filters as a query string, for the CSV link.</summary>
    public string Query => QueryString.Create(new Dictionary<string, string?>
    {
        ["from"] = From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["to"] = To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["party"] = Party, ["courtyard"] = Courtyard, ["person"] = Person,
    }.Where(p => p.Value is not null)).ToString();

    public async Task OnGetAsync(DateOnly? from, DateOnly? to, string? party, string? courtyard, string? person, CancellationToken ct) =>
        await LoadAsync(from, to, party, courtyard, person, ct);

    /// <summary>The same entries as a CSV file, in the page's language.</summary>
    public async Task<IActionResult> OnGetCsvAsync(DateOnly? from, DateOnly? to, string? party, string? courtyard, string? person, CancellationToken ct)
    {
        await LoadAsync(from, to, party, courtyard, person, ct);
        return File(AuditTrail.Csv(Lines, Places, Words, lang), "text/csv; charset=utf-8", $"audit-{From:yyyyMMdd}-{To:yyyyMMdd}.csv");
    }

    private async Task LoadAsync(DateOnly? from, DateOnly? to, string? party, string? courtyard, string? person, CancellationToken ct)
    {
        // Whole days in the site's zone; the last 30 by default, at most about three years, and never backwards.
        To = to ?? lang.Day(time.GetUtcNow());
        From = from ?? To.AddDays(-29);
        if (From > To || To.DayNumber - From.DayNumber > 1100)
        {
            From = To.AddDays(-29);
        }

        Party = string.IsNullOrWhiteSpace(party) ? null : party.Trim();
        Courtyard = string.IsNullOrWhiteSpace(courtyard) ? null : courtyard.Trim();
        Person = string.IsNullOrWhiteSpace(person) ? null : person.Trim();
        var inScope = (registry.Current?.Site.Courtyards ?? []).Where(c => scope.Courtyard(c.Courtyard.Id)).ToList();
        Courtyards = [.. inScope.Select(c => (c.Courtyard.Id.Value, c.Courtyard.Name))];
        var partyIds = inScope.Select(c => c.Courtyard.Responsible?.Value).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Parties = [.. (registry.Current?.Site.Manifest.Parties ?? []).Where(p => partyIds.Contains(p.Id.Value)).Select(p => (p.Id.Value, p.Name))];
        var ruleNames = (await db.Rules.AsNoTracking().Select(r => new { r.Key, r.Name, r.Version }).ToListAsync(ct))
            .GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.Version).First().Name, StringComparer.Ordinal);
        Words = new AuditWords(lang, await Orders.OrderWords.LoadAsync(db, lang, registry, ct), Places, ruleNames);
        (Lines, Cut) = await trail.LoadAsync(scope, new AuditFilter(lang.StartOf(From), lang.StartOf(To.AddDays(1)), Party, Courtyard, Person), ct);
    }
}
