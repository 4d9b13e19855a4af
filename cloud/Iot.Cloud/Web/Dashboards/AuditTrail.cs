using System.Globalization;
using System.Text;
using Iot.Cloud.Alerts;
using Iot.Cloud.Api;
using Iot.Cloud.Audit;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Localization;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Dashboards;

/// <summary>What to show of the audit log: a period, and optionally one party, one courtyard, one person.</summary>
public sealed record AuditFilter(DateTimeOffset From, DateTimeOffset To, string? Party = null, string? Courtyard = null, string? Person = null);

/// <summary>One audit entry with the courtyard and party it concerns (none for accounts and site-wide rules).</summary>
public sealed record AuditLine(long Id, DateTimeOffset At, string Actor, string Entity, string EntityId, string Action, string? Detail, CourtyardId? Courtyard, string? Party);

/// <summary>
/// The audit log for the community and the street office: every change to orders, alerts, maintenance windows, rules,
/// accounts and commands, newest first, filtered by party, courtyard, person and period, and as a CSV. An entry names
/// its thing by kind and id; its courtyard is found from that thing (an order's, an alert's, a window's, a command's
/// unit, a courtyard rule's), so the community sees its courtyards' entries and the site-wide rules, the street office
/// everything (block rules included). The newest <see cref="MaxLines"/> entries of the period are read before the
/// scope is applied, so in a very busy period a committee may see fewer than that of its own.
/// </summary>
public sealed class AuditTrail(CloudDb db, SiteRegistry registry)
{
    /// <summary>The most entries one view or file holds; a longer period is narrowed, and the page says so.</summary>
    public const int MaxLines = 20_000;

    /// <summary>The entries matching <paramref name="filter"/> in <paramref name="scope"/>, newest first, and whether more matched than are returned.</summary>
    public async Task<(IReadOnlyList<AuditLine> Lines, bool Cut)> LoadAsync(AccessScope scope, AuditFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(filter);
        var entries = await db.AuditLog.AsNoTracking()
            .Where(a => a.At >= filter.From && a.At < filter.To && (filter.Person == null || a.Actor == filter.Person))
            .OrderByDescending(a => a.Id).Take(MaxLines + 1).ToListAsync(cancellationToken);
        var cut = entries.Count > MaxLines;
        var lines = await PlaceAsync(entries.Take(MaxLines).ToList(), cancellationToken);
        var courtyard = filter.Courtyard is { } text && CourtyardId.TryParse(text, out var id, out _) ? id : (CourtyardId?)null;
        return ([.. lines.Where(l => Visible(scope, l)
            && (filter.Courtyard is null || l.Courtyard == courtyard)
            && (filter.Party is null || l.Party == filter.Party))], cut);
    }

    /// <summary>The entries as CSV in the reader's language (the thing's kind and id, and the account, as stored too).</summary>
    public static byte[] Csv(IEnumerable<AuditLine> lines, Places places, AuditWords words, Lang lang)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(places);
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(lang);
        string[] headers = ["Time", "Account", "Who", "What", "Which", "Courtyard", "Responsible party", "Action", "Detail"];
        var csv = new StringBuilder().Row(headers.Select(h => CsvText.Field(lang[h])));
        foreach (var l in lines)
        {
            var (what, detail) = words.Action(l);
            csv.Row([
                lang.Local(l.At).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), CsvText.Field(l.Actor), CsvText.Field(words.Who(l)), CsvText.Field(words.Thing(l)), CsvText.Field(l.EntityId),
                CsvText.Field(l.Courtyard is { } c ? places.Courtyard(c) : string.Empty), CsvText.Field(l.Party ?? string.Empty), CsvText.Field(what), CsvText.Field(detail ?? string.Empty),
            ]);
        }

        return CsvText.Bytes(csv);
    }

    // The street office sees everything; others the entries of their courtyards and the rules that apply to them.
    private static bool Visible(AccessScope scope, AuditLine line) =>
        scope.SeesEverything || (line.Courtyard is { } c ? scope.Courtyard(c) : line.Entity == "rule" && line.EntityId.EndsWith("@site", StringComparison.Ordinal));

    private async Task<List<AuditLine>> PlaceAsync(List<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var orderIds = Ids(entries, "workOrder");
        var alertIds = Ids(entries, "alert");
        var orders = await db.WorkOrders.AsNoTracking().Where(w => orderIds.Contains(w.Id)).Select(w => new { w.Id, w.CourtyardId, w.PartyId }).ToDictionaryAsync(w => w.Id, cancellationToken);
        var alerts = await db.Alerts.AsNoTracking().Where(a => alertIds.Contains(a.Id)).Select(a => new { a.Id, a.CourtyardId }).ToDictionaryAsync(a => a.Id, cancellationToken);
        var site = registry.Current;
        return [.. entries.Select(e =>
        {
            CourtyardId? courtyard = e.Entity switch
            {
                "workOrder" when orders.TryGetValue(Number(e.EntityId), out var o) => o.CourtyardId,
                "alert" when alerts.TryGetValue(Number(e.EntityId), out var a) => a.CourtyardId,
                "maintenance" or "patrolRound" when CourtyardId.TryParse(e.EntityId, out var m, out _) => m,
                "outlet" or "device" or "agent" when AgentId.TryParse(e.EntityId.Split('/')[0], out var agent, out _) && site?.Agents.TryGetValue(agent, out var unit) == true => unit.Courtyard.Id,
                "rule" when e.EntityId.Split("@courtyard:") is [_, var id] && CourtyardId.TryParse(id, out var r, out _) => r,
                _ => null,
            };
            var party = e.Entity == "workOrder" && orders.TryGetValue(Number(e.EntityId), out var order) ? order.PartyId
                : courtyard is { } c ? site?.Site.Courtyards.FirstOrDefault(p => p.Courtyard.Id == c).Courtyard?.Responsible?.Value : null;
            return new AuditLine(e.Id, e.At, e.Actor, e.Entity, e.EntityId, e.Action, e.Detail, courtyard, party);
        })];
    }

    private static long[] Ids(List<AuditEntry> entries, string entity) =>
        [.. entries.Where(e => e.Entity == entity).Select(e => Number(e.EntityId)).Where(id => id > 0).Distinct()];

    private static long Number(string text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
}
