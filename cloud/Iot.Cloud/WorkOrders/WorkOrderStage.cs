using Iot.Cloud.Alerts;
using Iot.Cloud.Data;

namespace Iot.Cloud.WorkOrders;

/// <summary>
/// The work orders' stage of the pipeline: alerts become orders, or attach to, reopen or take an order; on a tick the
/// orders' deadlines are swept (escalation, verification by <see cref="RepairEvidence"/>, auto-close). Raises
/// <see cref="OrdersChanged"/>.
/// </summary>
public sealed class WorkOrderStage(WorkOrderService orders, RepairEvidence evidence) : IHandles<AlertsChanged>
{
    /// <inheritdoc />
    public async Task HandleAsync(AlertsChanged e, Work work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(work);
        var changes = await orders.OnAlertChangesAsync(work.Db, e.Changes, cancellationToken);
        List<AlertChange> closedAlerts = [];
        if (e.Swept)
        {
            var swept = await orders.SweepAsync(work.Db, order => evidence.ShowsRepairAsync(work.Db, order), cancellationToken);
            changes.AddRange(swept.Orders);
            closedAlerts = swept.ClosedAlerts;
        }

        if (changes.Count > 0 || closedAlerts.Count > 0)
        {
            await work.RaiseAsync(new OrdersChanged(changes, closedAlerts), cancellationToken);
        }
    }
}
