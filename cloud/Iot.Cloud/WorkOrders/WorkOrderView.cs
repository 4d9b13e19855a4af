using Iot.Cloud.Kernel;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.WorkOrders;

/// <summary>A work order as the API and the live feed show it; times left are computed against <c>now</c>.</summary>
public sealed record WorkOrderView(
    long Id, string Number, WorkOrderSource Source, WorkOrderStatus Status, CourtyardId Courtyard, string Party, string Fault, string Subject, string Target,
    Severity Severity, string Title, string? Description, string? AssignedTo, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset AckDueAt,
    DateTimeOffset FixDueAt, DateTimeOffset? AcknowledgedAt, DateTimeOffset? FixedAt, DateTimeOffset? VerifiedAt, string? VerifiedBy, DateTimeOffset? ClosedAt,
    DateTimeOffset? CancelledAt, string? CancelReason, int EscalationLevel, int ReopenCount, bool Overdue, string? TrackingCode,
    Verification? VerifiedVia = null, DateTimeOffset? RecoveredAt = null, int ResidentReports = 0, DateTimeOffset? ReopenedAt = null)
{
    public static WorkOrderView Of(WorkOrder w, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(w);
        var overdue = w.IsOpen && w.Status is not (WorkOrderStatus.Fixed or WorkOrderStatus.Verified)
            && (now > w.FixDueAt || (w.AcknowledgedAt is null && now > w.AckDueAt));
        return new(w.Id, w.Number, w.Source, w.Status, w.CourtyardId, w.PartyId, w.Fault, w.Subject, w.Target, w.Severity, w.Title, w.Description, w.AssignedTo,
            w.CreatedAt, w.CreatedBy, w.AckDueAt, w.FixDueAt, w.AcknowledgedAt, w.FixedAt, w.VerifiedAt, w.VerifiedBy, w.ClosedAt, w.CancelledAt, w.CancelReason,
            w.EscalationLevel, w.ReopenCount, overdue, w.TrackingCode, w.VerifiedVia, w.RecoveredAt, w.ResidentReports, w.ReopenedAt);
    }
}
