using System.Text.RegularExpressions;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Localization;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Orders;

/// <summary>
/// How the console says things about work orders in the page language: people by their names (系统, 居民, 李师傅),
/// whom an order was escalated to, what is due, and each line of the history. The audit log keeps the service's
/// technical wording (the API shows it as stored); its known forms are put into words here.
/// </summary>
public sealed partial class OrderWords(
    Lang lang, SiteRegistry registry, IReadOnlyDictionary<string, (string Name, StaffRole Role, string? Party)> people, IReadOnlyDictionary<string, string> parties)
{
    public static async Task<OrderWords> LoadAsync(CloudDb db, Lang lang, SiteRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var accounts = await db.Users.AsNoTracking().Where(u => u.UserName != null).Select(u => new { u.UserName, u.DisplayName, u.Role, u.PartyId }).ToListAsync(cancellationToken);
        var parties = await db.Parties.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, StringComparer.Ordinal, cancellationToken);
        return new OrderWords(lang, registry, accounts.ToDictionary(a => a.UserName!, a => (a.DisplayName ?? a.UserName!, a.Role, a.PartyId), StringComparer.Ordinal), parties);
    }

    /// <summary>A person by name; the system and residents in words.</summary>
    public string Person(string? user) => user switch
    {
        null => "—",
        "system" => lang["System"],
        "resident" => lang["Resident"],
        _ => people.TryGetValue(user, out var p) ? p.Name : user,
    };

    /// <summary>Everyone by account name → display name, for the live pages.</summary>
    public Dictionary<string, string> People() => people.ToDictionary(p => p.Key, p => p.Value.Name, StringComparer.Ordinal);

    public string Party(string id) => parties.GetValueOrDefault(id, id);

    /// <summary>"已升级督办：王经理" for an escalated order, else null.</summary>
    public string? Escalation(WorkOrderView order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.EscalationLevel > 0 && order.Status is not (WorkOrderStatus.Closed or WorkOrderStatus.Cancelled)
            ? lang.F("Escalated to {0}", EscalatedTo(order.Party, order.Courtyard, order.EscalationLevel))
            : null;
    }

    /// <summary>Level 1: the party's supervisors by name (or "the supervisor of …"); level 2: the community's residents' committee.</summary>
    public string EscalatedTo(string party, CourtyardId courtyard, int level)
    {
        if (level >= 2)
        {
            var committee = registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id == courtyard).Community?.ResidentsCommittee.Value;
            return committee is null ? lang["the community"] : Party(committee);
        }

        var supervisors = people.Values.Where(p => p.Role == StaffRole.CompanySupervisor && p.Party == party).Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        return supervisors.Count > 0 ? string.Join(lang[", "], supervisors) : lang.F("the supervisor of {0}", Party(party));
    }

    /// <summary>Time left (or overdue) while the work is still to be done; once fixed the clock stops and the time of the repair shows.</summary>
    public string Due(WorkOrderView order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.Status switch
        {
            WorkOrderStatus.Fixed or WorkOrderStatus.Verified or WorkOrderStatus.Closed when order.FixedAt is { } fixedAt => lang.F("Fixed {0}", lang.Time(fixedAt)),
            WorkOrderStatus.Closed => lang.F("Closed {0}", lang.Time(order.ClosedAt)),
            WorkOrderStatus.Cancelled => lang.F("Cancelled {0}", lang.Time(order.CancelledAt)),
            _ => lang.Left(order.AcknowledgedAt is null ? order.AckDueAt : order.FixDueAt),
        };
    }

    /// <summary>One line of the history in words: what happened (short) and its detail.</summary>
    public (string What, string? Detail) History(AuditView entry, WorkOrderView order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return History(entry, order.Party, order.Courtyard);
    }

    /// <summary>One line of an order's history in words, knowing only whose the order is (the audit page).</summary>
    public (string What, string? Detail) History(AuditView entry, string party, CourtyardId courtyard)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var detail = entry.Detail ?? string.Empty;
        var kind = entry.Action.Split(':');
        switch (kind[0])
        {
            case "created":
                return (lang["Opened"], Created().Match(detail) is { Success: true } c
                    ? c.Groups["alert"].Success ? lang.F("From alert {0}: {1}", c.Groups["alert"].Value, c.Groups["title"].Value)
                    : c.Groups["source"].Value == "resident" ? lang.F("Reported by a resident: {0}", c.Groups["title"].Value)
                    : c.Groups["source"].Value == "patrol" ? lang.F("Found on a patrol round: {0}", c.Groups["title"].Value)
                    : lang.F("Opened by staff: {0}", c.Groups["title"].Value)
                    : detail);
            case "status" when Moved().Match(detail) is { Success: true } m:
                var from = WireNames.TryParse<WorkOrderStatus>(m.Groups["from"].Value, out var f) ? lang.Status(f) : m.Groups["from"].Value;
                var to = WireNames.TryParse<WorkOrderStatus>(m.Groups["to"].Value, out var t) ? lang.Status(t) : m.Groups["to"].Value;
                var who = m.Groups["who"].Success && m.Groups["who"].Value.Length > 0 ? lang.F("({0})", Person(m.Groups["who"].Value)) : string.Empty;
                var note = m.Groups["note"].Success ? Note(m.Groups["note"].Value) : null;
                return ($"{from} → {to}{who}", note);
            case "escalated":
                var level = kind.Length > 1 && int.TryParse(kind[1], out var l) ? l : 1;
                var whom = EscalatedTo(party, courtyard, level);
                return (lang["Escalated"], level >= 2 ? lang.F("Long overdue: escalated to {0}", whom) : lang.F("Overdue: escalated to {0}", whom));
            case "alert-attached":
                return (lang["Alert"], Attached().Match(detail) is { Success: true } a ? lang.F("Alert {0} attached: {1}", a.Groups["alert"].Value, a.Groups["title"].Value) : detail);
            case "reopened":
                return (lang["Back for repair"], Reopened().Match(detail) is { Success: true } r ? lang.F("The fault came back ({0}); reopened {1} time(s)", r.Groups["title"].Value, r.Groups["n"].Value) : detail);
            case "report-merged":
                // Without the report's tracking code: it is the resident's key to the order's progress.
                return (lang["Reported again"], MergedReport().Match(detail) is { Success: true } mr ? lang.F("Another resident reported it: {0} residents have reported this fault", mr.Groups["n"].Value) : detail);
            case "comment" when kind.Length > 1 && kind[1] == "residentNotFixed":
                return (lang["Not fixed yet"], NotFixed().Match(detail) is { Success: true } n ? lang.F("The resident says it is not fixed yet (time {0})", n.Groups["n"].Value) : detail);
            case "comment":
                return (lang["Comment"], detail);
            case "photo":
                return (lang["Photo added"], null);
            case "rated":
                return (lang["Community rating"], Rated().Match(detail) is { Success: true } s ? lang.F("{0} of 5", s.Groups["score"].Value) + (s.Groups["remark"].Success ? $" · {s.Groups["remark"].Value}" : string.Empty) : detail);
            case ReporterPhone.ViewedAction:
                return (lang["Saw the caller's phone number"], null);
            default:
                return (entry.Action, detail);
        }
    }

    // The system's own notes; a person's note is theirs and stays as written.
    private string Note(string note)
    {
        if (Acknowledged().Match(note) is { Success: true } a)
        {
            return lang.F("Confirmed alert {0}", a.Groups["alert"].Value);
        }

        return note switch
        {
            "verified by telemetry" => lang["Verified by the readings"],
            "the fault is still present after the repair" => lang["The fault is still present after the repair"],
            "the resident who reported it confirmed the repair" => lang["The resident who reported it confirmed the repair"],
            "the resident who reported it says it is not fixed yet" => lang["The resident who reported it says it is not fixed yet"],
            _ => note,
        };
    }

    [GeneratedRegex(@"^report \S+ joined: (?<n>\d+) residents reported this$")]
    private static partial Regex MergedReport();

    [GeneratedRegex(@"^not fixed yet \((?<n>\d+)\)$")]
    private static partial Regex NotFixed();

    [GeneratedRegex(@"^(?:from alert (?<alert>\d+)|(?<source>staff|resident|patrol)): (?<title>.*)$", RegexOptions.Singleline)]
    private static partial Regex Created();

    [GeneratedRegex(@"^(?<from>\w+) → (?<to>\w+)(?: \((?<who>[^()]*)\))?(?:: (?<note>.*))?$", RegexOptions.Singleline)]
    private static partial Regex Moved();

    [GeneratedRegex(@"^alert (?<alert>\d+) \((?<title>.*)\) attached$", RegexOptions.Singleline)]
    private static partial Regex Attached();

    [GeneratedRegex(@"^the fault came back \((?<title>.*)\); reopened (?<n>\d+) time\(s\)$", RegexOptions.Singleline)]
    private static partial Regex Reopened();

    [GeneratedRegex(@"^(?<score>\d)/5(?:: (?<remark>.*))?$", RegexOptions.Singleline)]
    private static partial Regex Rated();

    [GeneratedRegex(@"^alert (?<alert>\d+) acknowledged$")]
    private static partial Regex Acknowledged();
}
