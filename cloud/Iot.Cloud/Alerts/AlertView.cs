using Iot.Cloud.Kernel;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.Alerts;

/// <summary>An alert as the API and the live feed show it.</summary>
public sealed record AlertView(
    long Id, string RuleKey, string Title, Severity Severity, AlertStatus Status, string Fault, CourtyardId Courtyard, AgentId Agent, DeviceId? Device, int? Outlet,
    string Target, double? Value, DateTimeOffset RaisedAt, DateTimeOffset LastRaisedAt, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy,
    DateTimeOffset? ClearedAt, DateTimeOffset? ClosedAt, int Count, bool Flapping, bool Silenced, string? SilencedReason, long? WorkOrderId)
{
    public static AlertView Of(Alert a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(a.Id, a.RuleKey, a.Title, a.Severity, a.Status, a.Fault, a.CourtyardId, a.AgentId, a.DeviceId, a.Outlet, a.Target, a.Value, a.RaisedAt,
            a.LastRaisedAt, a.AcknowledgedAt, a.AcknowledgedBy, a.ClearedAt, a.ClosedAt, a.Count, a.Flapping, a.Silenced, a.SilencedReason, a.WorkOrderId);
    }
}
