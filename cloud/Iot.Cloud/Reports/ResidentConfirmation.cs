using Iot.Cloud.Data;
using Iot.Cloud.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Reports;

/// <summary>What came of a resident's "修好了" (it is fixed) on the tracking page.</summary>
public enum ConfirmOutcome
{
    /// <summary>The repair is confirmed in the resident's name and the order is closed.</summary>
    Confirmed,

    /// <summary>The order is not marked fixed (yet, or any more): there is nothing to confirm.</summary>
    NothingToConfirm,

    /// <summary>An alert of the fault is still active: the sensors say it is not fixed.</summary>
    StillSignalled,

    NotFound,
}

/// <summary>
/// The resident who reported a fault confirms its repair on the tracking page (the tracking code is the proof of being
/// that resident): the order is verified in their name, as the community would, and closed.
/// </summary>
public static class ResidentConfirmation
{
    public static async Task<ConfirmOutcome> ConfirmAsync(string code, Work work, WorkOrderService orders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(orders);
        var order = await ReportsApi.OrderOfAsync(work.Db.WorkOrders, work.Db, code, cancellationToken);
        if (order is null)
        {
            return ConfirmOutcome.NotFound;
        }

        if (order.Status != WorkOrderStatus.Fixed)
        {
            return ConfirmOutcome.NothingToConfirm;
        }

        var (changes, _) = await orders.ConfirmAsync(work.Db, order, "resident", Verification.Resident, "the resident who reported it confirmed the repair", cancellationToken);
        if (changes is null)
        {
            return ConfirmOutcome.StillSignalled;
        }

        await work.RaiseAsync(new OrdersChanged(changes), cancellationToken);
        await work.SaveAsync(cancellationToken);
        return ConfirmOutcome.Confirmed;
    }
}
