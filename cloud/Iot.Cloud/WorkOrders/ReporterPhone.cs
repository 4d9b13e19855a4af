using System.Globalization;
using Iot.Cloud.Audit;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.WorkOrders;

/// <summary>
/// A resident's call-back number (电话号码只有维修人员能看到): shown to the staff of the party that answers for the order,
/// and to nobody else — not the community, not the street office, not the live feed, webhooks, public pages or the CSV.
/// The first time each person is shown it is in the order's audit log.
/// </summary>
public static class ReporterPhone
{
    public const string ViewedAction = "phone-viewed";

    public static bool MaySee(AccessScope scope, WorkOrder order)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(order);
        return scope.IsPartyRole && scope.Party == order.PartyId;
    }

    /// <summary>The number if <paramref name="scope"/> may see it (null otherwise, or when there is none); audits the first showing.</summary>
    public static async Task<string?> RevealAsync(CloudDb db, AccessScope scope, WorkOrder order, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (order.ReporterPhone is not { Length: > 0 } phone || !MaySee(scope, order) || scope.Name is not { } person)
        {
            return null;
        }

        var key = order.Id.ToString(CultureInfo.InvariantCulture);
        if (!await db.AuditLog.AnyAsync(a => a.Entity == "workOrder" && a.EntityId == key && a.Action == ViewedAction && a.Actor == person, cancellationToken))
        {
            db.AuditLog.Add(AuditEntry.Of(now, person, "workOrder", key, ViewedAction));
            await db.SaveChangesAsync(cancellationToken);
        }

        return phone;
    }
}
