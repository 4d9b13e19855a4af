using Iot.Cloud.Web.Localization;
using Iot.Cloud.Web.Orders;
using Iot.Cloud.WorkOrders;

namespace Iot.Cloud.Web.Dashboards;

/// <summary>
/// An audit entry in the page's words: who (by name), what kind of thing, what happened and its detail. Work orders'
/// lines read as in the order's own history; the other kinds' known actions are put into words, an unknown one shown
/// as stored.
/// </summary>
public sealed class AuditWords(Lang lang, OrderWords orders)
{
    public string Who(AuditLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return orders.Person(line.Actor);
    }

    public string Thing(AuditLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Entity switch
        {
            "workOrder" => lang["Work order"],
            "alert" => lang["Alert"],
            "maintenance" => lang["Maintenance window"],
            "rule" => lang["Rule"],
            "account" => lang["Account"],
            "outlet" => lang["Charger outlet"],
            "device" => lang["Device"],
            "agent" => lang["Courtyard unit"],
            _ => line.Entity,
        };
    }

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
            (_, "command") => lang["Command sent"],
            (_, "result") when kind.Length > 1 && kind[1] == "carriedOut" => lang["Carried out by the unit"],
            (_, "result") => lang["Refused by the unit"],
            _ => line.Action,
        };
        return (what, line.Detail);
    }
}
