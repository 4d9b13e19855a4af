namespace Iot.Cloud.WorkOrders;

/// <summary>Something that happened to a work order, for the live feed and notifications.</summary>
/// <param name="Order">The order after the change.</param>
/// <param name="Kind"><c>created</c>, <c>attached</c>, <c>reopened</c>, <c>status</c>, <c>escalated</c>, <c>comment</c>, <c>photo</c>, <c>residentNotFixed</c>.</param>
/// <param name="Notify">Whether the responsible party should be told.</param>
public sealed record WorkOrderChange(WorkOrder Order, string Kind, bool Notify);

/// <summary>The event of work orders having changed, for the notifications.</summary>
/// <param name="Changes">What happened, in order.</param>
public sealed record OrdersChanged(IReadOnlyList<WorkOrderChange> Changes);
