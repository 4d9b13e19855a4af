using System.Text.Json.Serialization;
using Iot.Cloud.Kernel;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Alerts;

/// <summary>Where an alert is in its life.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<AlertStatus>))]
public enum AlertStatus
{
    /// <summary>Raised, nobody has looked yet.</summary>
    Open,

    /// <summary>Someone has seen it and taken note.</summary>
    Acknowledged,

    /// <summary>The condition is gone (by itself or by repair); kept until closed.</summary>
    Cleared,

    /// <summary>Finished; a new occurrence opens a new alert.</summary>
    Closed,
}

/// <summary>
/// An alert: one rule's verdict on one subject (a device, an outlet, an agent). At most one is not closed per rule and
/// subject (a unique index makes sure, even with several cloud instances); repeated triggers count on it.
/// </summary>
public sealed class Alert
{
    public long Id { get; set; }

    public required string RuleKey { get; set; }

    public int RuleVersion { get; set; }

    /// <summary>What is broken; alerts of the same fault and subject share one work order.</summary>
    public required string Fault { get; set; }

    public required string Subject { get; set; }

    public required AgentId AgentId { get; set; }

    public DeviceId? DeviceId { get; set; }

    public int? Outlet { get; set; }

    public required CourtyardId CourtyardId { get; set; }

    /// <summary>The device kind (<c>streetlight</c>, ...) or <c>agent</c>.</summary>
    public required string Target { get; set; }

    public Severity Severity { get; set; }

    public AlertStatus Status { get; set; }

    /// <summary>The rule's name, in Chinese, as it was when raised.</summary>
    public required string Title { get; set; }

    public double? Value { get; set; }

    public DateTimeOffset RaisedAt { get; set; }

    public DateTimeOffset LastRaisedAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    public DateTimeOffset? ClearedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public string? ClosedBy { get; set; }

    /// <summary>How many times it was raised (repeats and re-raises after clearing).</summary>
    public int Count { get; set; }

    /// <summary>Raising and clearing too often: notified once, then quiet until it settles.</summary>
    public bool Flapping { get; set; }

    /// <summary>Raised inside a maintenance window: no notification, no work order.</summary>
    public bool Silenced { get; set; }

    public string? SilencedReason { get; set; }

    public long? WorkOrderId { get; set; }

    /// <summary>Concurrency token: two writers never both win.</summary>
    public int Version { get; set; }
}

/// <summary>One step in an alert's history (append-only).</summary>
public sealed class AlertEvent
{
    public long Id { get; set; }

    public long AlertId { get; set; }

    /// <summary>The alert (set for new alerts, so the id is filled in on save).</summary>
    public Alert? Alert { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>What happened (stored by its wire name: <c>raised</c>, <c>reraised</c>, <c>cleared</c>, ...).</summary>
    public required AlertChangeKind Kind { get; set; }

    public required string By { get; set; }

    public double? Value { get; set; }

    public string? Note { get; set; }
}

/// <summary>A period when a courtyard or one device is worked on: its alerts are recorded but silenced, except those of critical rules.</summary>
public sealed class MaintenanceWindow
{
    /// <summary>The longest a window may be: a repair that takes longer is a work order, not silence.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(7);

    public long Id { get; set; }

    public required CourtyardId CourtyardId { get; set; }

    /// <summary>One device (<c>{agent}/{device}</c>), or null for the whole courtyard.</summary>
    public string? Subject { get; set; }

    public DateTimeOffset From { get; set; }

    public DateTimeOffset Until { get; set; }

    public required string Reason { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
