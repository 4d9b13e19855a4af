using System.Text.RegularExpressions;
using Iot.Cloud.Kernel;
using Iot.Cloud.Web.Localization;
using Iot.Cloud.Web.Orders;
using Iot.Cloud.WorkOrders;

namespace Iot.Cloud.Web.Dashboards;

/// <summary>
/// An audit entry in the page's words: who (by name), which thing (by its name: a courtyard, a device, a rule, a
/// person), what happened and its detail. Work orders' lines read as in the order's own history; the other kinds' known
/// actions and the system's own notes are put into words. A detail in another form is shown as recorded
/// (<see cref="Verbatim"/>), never dropped: the record is what it is.
/// </summary>
public sealed partial class AuditWords(Lang lang, OrderWords orders, Places places, IReadOnlyDictionary<string, string> ruleNames)
{
    /// <summary>A person by name; a unit answering a command by its place (it signs its answers with its id).</summary>
    public string Who(AuditLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Entity is "outlet" or "device" or "agent" && line.Action.StartsWith("result:", StringComparison.Ordinal) && line.Courtyard is { } c
            ? places.Subject(c, line.Actor) is { Length: > 0 } unit ? unit : lang["Courtyard unit"]
            : orders.Person(line.Actor);
    }

    /// <summary>The kind of thing and, where it has one, its name (an order's or alert's number is its name).</summary>
    public string Thing(AuditLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Entity switch
        {
            "workOrder" => lang["Work order"],
            "alert" => $"{lang["Alert"]} #{line.EntityId}",
            "maintenance" => lang["Maintenance window"],
            "rule" => $"{lang["Rule"]} {ruleNames.GetValueOrDefault(line.EntityId.Split('@')[0], string.Empty)}".TrimEnd(),
            "account" => $"{lang["Account"]} {orders.Person(line.EntityId)}",
            "patrolRound" => lang["Patrol round"],
            "patrolPlan" => lang["Block patrols"],
            "volunteerTeam" => lang["Team"],
            "outlet" or "device" or "agent" when line.Courtyard is { } c => places.Subject(c, line.EntityId) is { Length: > 0 } thing ? thing : lang["Courtyard unit"],
            _ => lang["Other"],
        };
    }

    /// <summary>What happened, and its detail in words; <see cref="Verbatim"/> says whether the detail is as recorded.</summary>
    public (string What, string? Detail) Action(AuditLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Entity == "workOrder" && line.Courtyard is { } courtyard)
        {
            return orders.History(new AuditView(line.At, line.Actor, line.Action, line.Detail), line.Party ?? string.Empty, courtyard);
        }

        var kind = line.Action.Split(':');
        var what = (line.Entity, kind[0]) switch
        {
            ("alert", "acknowledged") => lang["Confirmed"],
            ("alert", "closed") => lang["Closed"],
            ("maintenance", "created") => lang["Window opened"],
            ("maintenance", "ended") => lang["Window ended"],
            ("rule", "created") => lang["Rule added"],
            ("rule", "version") => lang.F("New version {0}", kind.Length > 1 ? kind[1] : string.Empty),
            ("account", "created") => lang["Account created"],
            ("account", "unlocked") => lang["Account unlocked"],
            ("account", "password") => lang["Password changed"],
            ("account", "disabled") => lang["Account disabled"],
            ("account", "enabled") => lang["Account enabled"],
            ("patrolRound", "walked") => lang["Patrol round"],
            ("patrolPlan", "created") => lang["Patrol plan made"],
            ("patrolPlan", "changed") => lang["Patrol plan changed"],
            ("volunteerTeam", "created") => lang["Team created"],
            (_, "command") => lang["Command sent"],
            (_, "result") when kind.Length > 1 && kind[1] == "carriedOut" => lang["Carried out by the unit"],
            (_, "result") => lang["Refused by the unit"],
            _ => line.Action,
        };
        return (what, Detail(line));
    }

    /// <summary>Whether the line's detail is shown as recorded (the service's own technical wording) rather than in words.</summary>
    public bool Verbatim(AuditLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Detail is not null && line.Entity is not ("workOrder" or "alert") && Worded(line) is null;
    }

    private string? Detail(AuditLine line) => line.Entity switch
    {
        "alert" => line.Detail is { } note ? SystemNote(note) : null,
        _ => Worded(line) ?? line.Detail,
    };

    // The known forms of the other kinds' details.
    private string? Worded(AuditLine line) => (line.Entity, line.Action, line.Detail) switch
    {
        (_, _, null) => null,
        ("maintenance", "created", { } d) when WindowOpened().Match(d) is { Success: true } m && DateTimeOffset.TryParse(m.Groups["from"].Value, System.Globalization.CultureInfo.InvariantCulture, out var from)
            && DateTimeOffset.TryParse(m.Groups["until"].Value, System.Globalization.CultureInfo.InvariantCulture, out var until) =>
            lang.F("{0} – {1}: {2}", lang.Time(from), lang.Time(until), m.Groups["reason"].Value),
        ("maintenance", "ended", { } d) when WindowEnded().Match(d) is { Success: true } m => lang.F("Window {0}", m.Groups["id"].Value),
        _ => null,
    };

    // The system's own notes on an alert; a person's note is theirs and stays as written.
    private string SystemNote(string note) =>
        OrderClosed().Match(note) is { Success: true } m ? lang.F("Work order {0} closed", m.Groups["number"].Value)
        : ClearedFor().Match(note) is { Success: true } c ? lang.F("Cleared for {0} h", c.Groups["hours"].Value)
        : note;

    [GeneratedRegex(@"^(?<subject>\S+( courtyard)?) (?<from>\S+) – (?<until>\S+): (?<reason>.*)$", RegexOptions.Singleline)]
    private static partial Regex WindowOpened();

    [GeneratedRegex(@"^window (?<id>\d+)$")]
    private static partial Regex WindowEnded();

    [GeneratedRegex(@"^work order (?<number>\S+) closed$")]
    private static partial Regex OrderClosed();

    [GeneratedRegex(@"^cleared for (?<hours>\d+) h$")]
    private static partial Regex ClearedFor();
}
