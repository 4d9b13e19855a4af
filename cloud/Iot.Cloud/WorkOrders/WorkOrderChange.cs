using Iot.Cloud.Alerts;

namespace Iot.Cloud.WorkOrders;

/// <summary>Something that happened to a work order, for the live feed and notifications.</summary>
/// <param name="Order">The order after the change.</param>
/// <param name="Kind"><c>created</c>, <c>attached</c>, <c>reopened</c>, <c>status</c>, <c>escalated</c>, <c>comment</c>, <c>photo</c>, <c>residentNotFixed</c>.</param>
/// <param name="Notify">Whether the responsible party should be told.</param>
public sealed record WorkOrderChange(WorkOrder Order, string Kind, bool Notify);

/// <summary>The event of work orders having changed, for the notifications.</summary>
/// <param name="Changes">What happened, in order.</param>
/// <param name="ClosedAlerts">Alerts closed with their orders (they go to the live feed with the orders).</param>
public sealed record OrdersChanged(IReadOnlyList<WorkOrderChange> Changes, IReadOnlyList<AlertChange>? ClosedAlerts = null);

/// <summary>What one sweep of the orders changed: orders, and alerts closed with their orders.</summary>
/// <param name="Orders">Orders escalated, verified, closed, reopened or made from waiting alerts.</param>
/// <param name="ClosedAlerts">Alerts closed because their order is over.</param>
public sealed record OrderSweep(List<WorkOrderChange> Orders, List<AlertChange> ClosedAlerts);
