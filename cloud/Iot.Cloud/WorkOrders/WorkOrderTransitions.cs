namespace Iot.Cloud.WorkOrders;

/// <summary>The allowed moves between work-order statuses: new → assigned → in progress → (waiting for parts) → fixed → verified → closed, and cancelled with a reason.</summary>
public static class WorkOrderTransitions
{
    private static readonly Dictionary<WorkOrderStatus, WorkOrderStatus[]> Allowed = new()
    {
        [WorkOrderStatus.New] = [WorkOrderStatus.Assigned, WorkOrderStatus.InProgress, WorkOrderStatus.Cancelled],
        [WorkOrderStatus.Assigned] = [WorkOrderStatus.Assigned, WorkOrderStatus.InProgress, WorkOrderStatus.Cancelled],
        [WorkOrderStatus.InProgress] = [WorkOrderStatus.Assigned, WorkOrderStatus.WaitingForParts, WorkOrderStatus.Fixed, WorkOrderStatus.Cancelled],
        [WorkOrderStatus.WaitingForParts] = [WorkOrderStatus.InProgress, WorkOrderStatus.Fixed, WorkOrderStatus.Cancelled],
        [WorkOrderStatus.Fixed] = [WorkOrderStatus.Verified, WorkOrderStatus.InProgress],
        [WorkOrderStatus.Verified] = [WorkOrderStatus.Closed],
        [WorkOrderStatus.Closed] = [],
        [WorkOrderStatus.Cancelled] = [],
    };

    public static bool IsAllowed(WorkOrderStatus from, WorkOrderStatus to) => Allowed[from].Contains(to);

    public static IReadOnlyList<WorkOrderStatus> From(WorkOrderStatus status) => Allowed[status];
}
