using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Rules;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Commands;

/// <summary>A charging outlet: agent, station and outlet number.</summary>
public sealed record OutletRef(AgentId Agent, DeviceId Device, int Outlet)
{
    /// <summary>The alert subject of the outlet, <c>{agent}/{device}/o{n}</c>.</summary>
    public override string ToString() => new Subject(Agent, Device, Outlet).ToString();
}

/// <summary>
/// Finds the work order that stands for an outlet's cut-off: an order with an alert for that outlet raised by a rule
/// that raises on the agent's interlock events (<c>chargerCutOff</c>, <c>chargerLockedOut</c>; the defaults are
/// <c>charger-cut-off</c> and <c>charger-locked-out</c>). The rule's definition decides, not the order's fault name.
/// </summary>
public static class OutletCutOffs
{
    private static readonly string[] InterlockEvents = [WireNames.Of(EventKind.ChargerCutOff), WireNames.Of(EventKind.ChargerLockedOut)];

    /// <summary>The open work order for the cut-off of <paramref name="outlet"/>, or null.</summary>
    public static async Task<WorkOrder?> OpenOrderAsync(CloudDb db, OutletRef outlet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(outlet);
        var keys = await RuleKeysAsync(db, cancellationToken);
        var alerts = db.Alerts; // an expression tree cannot hold an extension property: the query takes the set itself
        return await db.WorkOrders.AsNoTracking()
            .Where(w => w.ClosedAt == null && w.CancelledAt == null)
            .Where(w => alerts.Any(a => a.WorkOrderId == w.Id && keys.Contains(a.RuleKey) && a.AgentId == outlet.Agent && a.DeviceId == outlet.Device && a.Outlet == outlet.Outlet))
            .OrderByDescending(w => w.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The outlet whose cut-off work order <paramref name="orderId"/> is, or null when it is not such an order.</summary>
    public static async Task<OutletRef?> OutletOfAsync(CloudDb db, long orderId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var keys = await RuleKeysAsync(db, cancellationToken);
        var alert = await db.Alerts.AsNoTracking()
            .Where(a => a.WorkOrderId == orderId && keys.Contains(a.RuleKey) && a.DeviceId != null && a.Outlet != null)
            .OrderBy(a => a.Id)
            .Select(a => new { a.AgentId, a.DeviceId, a.Outlet })
            .FirstOrDefaultAsync(cancellationToken);
        return alert is null ? null : new OutletRef(alert.AgentId, alert.DeviceId!.Value, alert.Outlet!.Value);
    }

    // Rules are few and edited rarely; any version of a key that raises on an interlock event makes it a cut-off rule.
    private static async Task<List<string>> RuleKeysAsync(CloudDb db, CancellationToken cancellationToken)
    {
        var edgeRules = await db.Rules.AsNoTracking().Where(r => r.Kind == RuleKind.EdgeEvent).ToListAsync(cancellationToken);
        return edgeRules.Where(r => r.Parameters.RaiseOn?.Any(InterlockEvents.Contains) == true).Select(r => r.Key).Distinct().ToList();
    }
}
