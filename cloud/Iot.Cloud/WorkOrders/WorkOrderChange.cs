using Iot.Cloud.Alerts;
using Iot.Protocol.Messages;

namespace Iot.Cloud.WorkOrders;

/// <summary>Something that happened to a work order, for the live feed and notifications.</summary>
/// <param name="Order">The order after the change.</param>
/// <param name="Kind">What happened; its wire name (<c>created</c>, <c>escalated</c>, ...) is the live feed's and the webhooks'.</param>
/// <param name="Notify">Whether the responsible party should be told.</param>
public sealed record WorkOrderChange(WorkOrder Order, WorkOrderChangeKind Kind, bool Notify)
{
    /// <summary>The kind as the live feed and the webhooks spell it.</summary>
    public string Name => WireNames.Of(Kind);
}

/// <summary>What can happen to a work order.</summary>
public enum WorkOrderChangeKind
{
    /// <summary>Opened (from an alert, by staff, or from a resident's report).</summary>
    Created,

    /// <summary>Another alert of the same fault joined an open order.</summary>
    Attached,

    /// <summary>The fault came back soon after the order was closed.</summary>
    Reopened,

    /// <summary>Its status moved.</summary>
    Status,

    /// <summary>Overdue: escalated a level.</summary>
    Escalated,

    /// <summary>Someone wrote on it.</summary>
    Comment,

    /// <summary>A photo was attached.</summary>
    Photo,

    /// <summary>The resident who reported it says it is not fixed yet.</summary>
    ResidentNotFixed,

    /// <summary>Another resident reported the same fault, and the report joined this order.</summary>
    ReportMerged,
}

/// <summary>The event of work orders having changed, for the notifications.</summary>
/// <param name="Changes">What happened, in order.</param>
/// <param name="ClosedAlerts">Alerts closed with their orders (they go to the live feed with the orders).</param>
public sealed record OrdersChanged(IReadOnlyList<WorkOrderChange> Changes, IReadOnlyList<AlertChange>? ClosedAlerts = null);

/// <summary>What one sweep of the orders changed: orders, and alerts closed with their orders.</summary>
/// <param name="Orders">Orders escalated, verified, closed, reopened or made from waiting alerts.</param>
/// <param name="ClosedAlerts">Alerts closed because their order is over.</param>
public sealed record OrderSweep(List<WorkOrderChange> Orders, List<AlertChange> ClosedAlerts);
