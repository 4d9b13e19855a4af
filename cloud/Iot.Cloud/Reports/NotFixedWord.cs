using System.Globalization;
using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Iot.Cloud.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Reports;

/// <summary>What came of a resident's "not fixed yet".</summary>
public enum NotFixedOutcome
{
    Recorded,

    /// <summary>Already said within <see cref="NotFixedWord.Every"/>: it stands, and is not repeated.</summary>
    AlreadyRecorded,

    /// <summary>The order was cancelled; there is nothing to hurry.</summary>
    Cancelled,

    NotFound,
}

/// <summary>
/// A resident's "还没修好" (not fixed yet) on the tracking page: a line in the order's history (the audit log, so staff
/// read it where they read everything else, and supervisors count it) and a message to the responsible party; an order
/// the party has marked fixed goes back to being repaired. At most once an hour per order, so a worried resident
/// cannot bury the history.
/// </summary>
public static class NotFixedWord
{
    /// <summary>How often one order takes the word.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    /// <summary>The audit action; shown as a comment in the order's history.</summary>
    public const string Action = "comment:residentNotFixed";

    public static async Task<NotFixedOutcome> RecordAsync(string code, Work work, WorkOrderService orders, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(orders);
        var db = work.Db;
        ArgumentNullException.ThrowIfNull(time);
        var order = await ReportsApi.OrderOfAsync(db.WorkOrders, db, code, cancellationToken);
        if (order is null)
        {
            return NotFixedOutcome.NotFound;
        }

        if (order.Status == WorkOrderStatus.Cancelled)
        {
            return NotFixedOutcome.Cancelled;
        }

        var now = time.GetUtcNow();
        var id = order.Id.ToString(CultureInfo.InvariantCulture);
        var said = await db.AuditLog.Where(a => a.Entity == "workOrder" && a.EntityId == id && a.Action == Action).Select(a => a.At).ToListAsync(cancellationToken);
        if (said.Any(at => now - at < Every))
        {
            return NotFixedOutcome.AlreadyRecorded;
        }

        db.AuditLog.Add(AuditEntry.Of(now, "resident", "workOrder", id, Action, string.Create(CultureInfo.InvariantCulture, $"not fixed yet ({said.Count + 1})")));
        List<WorkOrderChange> changes = [new WorkOrderChange(order, WorkOrderChangeKind.ResidentNotFixed, Notify: true)];
        if (order.Status == WorkOrderStatus.Fixed && orders.Transition(db, order, WorkOrderStatus.InProgress, "resident", "the resident who reported it says it is not fixed yet").Change is { } sentBack)
        {
            changes.Add(sentBack);
        }

        await work.RaiseAsync(new OrdersChanged(changes), cancellationToken);
        await work.SaveAsync(cancellationToken);
        return NotFixedOutcome.Recorded;
    }
}
