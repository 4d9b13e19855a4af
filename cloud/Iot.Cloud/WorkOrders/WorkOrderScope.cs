using System.Linq.Expressions;
using Iot.Cloud.Auth;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.WorkOrders;

/// <summary>
/// Which work orders a person may see: a party role its own party's orders (wherever they are), everyone else the
/// orders of the courtyards in their scope.
/// </summary>
public static class WorkOrderScope
{
    extension(AccessScope scope)
    {
        /// <summary>The work orders in scope, as a query filter.</summary>
        public Expression<Func<WorkOrder, bool>> WorkOrders
        {
            get
            {
                if (scope.SeesEverything)
                {
                    return w => true;
                }

                if (scope.IsPartyRole)
                {
                    var party = scope.Party;
                    return w => w.PartyId == party;
                }

                var ids = scope.CourtyardIds;
                return w => ids.Contains(w.CourtyardId);
            }
        }
    }

    /// <summary>The route value <c>id</c> is a work-order id; outside the scope it does not exist (404).</summary>
    public static RouteHandlerBuilder ForWorkOrder(this RouteHandlerBuilder builder) =>
        builder.ForRow(async (db, id, scope, ct) =>
            await db.WorkOrders.AsNoTracking().Where(w => w.Id == id).Select(w => new { w.PartyId, w.CourtyardId }).FirstOrDefaultAsync(ct) is { } order
            && scope.Order(order.PartyId, order.CourtyardId));
}
