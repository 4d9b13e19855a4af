using System.Globalization;
using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Iot.Cloud.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Ratings;

/// <summary>Records one person's rating of a repair, with its audit entry: the one way a rating is made (the API, the demo's committee).</summary>
public static class RepairRatings
{
    /// <summary>
    /// Saves (or replaces) <paramref name="by"/>'s rating of <paramref name="order"/> at <paramref name="at"/>; null when the
    /// order is not repaired (fixed, verified or closed) and so cannot be rated. The caller saves the context.
    /// </summary>
    public static async Task<WorkOrderRating?> RateAsync(CloudDb db, WorkOrder order, string by, int score, string? remark, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(order);
        ArgumentOutOfRangeException.ThrowIfLessThan(score, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(score, 5);
        if (order.Status is not (WorkOrderStatus.Fixed or WorkOrderStatus.Verified or WorkOrderStatus.Closed))
        {
            return null;
        }

        var rating = await db.Ratings.SingleOrDefaultAsync(r => r.WorkOrderId == order.Id && r.By == by, ct);
        if (rating is null)
        {
            rating = new WorkOrderRating { WorkOrderId = order.Id, PartyId = order.PartyId, By = by };
            db.Ratings.Add(rating);
        }

        rating.Score = score;
        rating.Remark = string.IsNullOrWhiteSpace(remark) ? null : remark.Trim();
        rating.At = at;
        db.AuditLog.Add(AuditEntry.Of(at, by, "workOrder", order.Id.ToString(CultureInfo.InvariantCulture), "rated", $"{score}/5{(rating.Remark is null ? string.Empty : $": {rating.Remark}")}"));
        return rating;
    }
}
