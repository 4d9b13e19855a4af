using System.Text.Json.Serialization;
using Iot.Cloud.Kernel;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.WorkOrders;

/// <summary>Where a work order is. Allowed moves are in <see cref="WorkOrderTransitions"/>.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<WorkOrderStatus>))]
public enum WorkOrderStatus
{
    New,
    Assigned,
    InProgress,
    WaitingForParts,
    Fixed,
    Verified,
    Closed,
    Cancelled,
}

/// <summary>Where a work order came from.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<WorkOrderSource>))]
public enum WorkOrderSource
{
    /// <summary>Raised from an alert by policy.</summary>
    Alert,

    /// <summary>Opened by staff.</summary>
    Staff,

    /// <summary>Reported by a resident.</summary>
    Resident,

    /// <summary>A finding of a block patrol round (巡查).</summary>
    Patrol,
}

/// <summary>Who confirmed that a repair held: never the party that made it.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<Verification>))]
public enum Verification
{
    /// <summary>The telemetry: the fault's alerts cleared and stayed so (and, for a lamp, it draws current at night).</summary>
    Telemetry,

    /// <summary>The residents' committee of the courtyard's community.</summary>
    Community,

    /// <summary>The street office.</summary>
    StreetOffice,

    /// <summary>The resident who reported it, on the tracking page.</summary>
    Resident,

    /// <summary>A volunteer or building head of the courtyard's community.</summary>
    Volunteer,
}

/// <summary>
/// A piece of maintenance work for the party responsible for a courtyard, with due times from its service level.
/// At most one is open per fault (fault + subject), enforced by a unique index; a fault that comes back within
/// seven days of closing reopens the order instead of making a new one.
/// </summary>
public sealed class WorkOrder
{
    public long Id { get; set; }

    /// <summary>Human reference, e.g. <c>WO-20261129-0042</c>.</summary>
    public required string Number { get; set; }

    public WorkOrderSource Source { get; set; }

    public WorkOrderStatus Status { get; set; }

    public required CourtyardId CourtyardId { get; set; }

    /// <summary>The party that answers for the courtyard (property company, owning unit or residents' committee).</summary>
    public required string PartyId { get; set; }

    /// <summary>What is broken (alert orders) or the category picked by the reporter (<c>lamp</c>, <c>gate</c>, ...).</summary>
    public required string Fault { get; set; }

    /// <summary>The device or agent concerned; for reports without a device, <c>{courtyard}/report-{n}</c>.</summary>
    public required string Subject { get; set; }

    /// <summary>The device kind or <c>agent</c>; <c>other</c> for reports that name none.</summary>
    public required string Target { get; set; }

    public Severity Severity { get; set; }

    public required string Title { get; set; }

    public string? Description { get; set; }

    public string? AssignedTo { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset AckDueAt { get; set; }

    public DateTimeOffset FixDueAt { get; set; }

    /// <summary>When someone first took it on (the time to acknowledge ends here).</summary>
    public DateTimeOffset? AcknowledgedAt { get; set; }

    public DateTimeOffset? FixedAt { get; set; }

    public DateTimeOffset? VerifiedAt { get; set; }

    public string? VerifiedBy { get; set; }

    /// <summary>How the repair was confirmed; a person's name is in <see cref="VerifiedBy"/>.</summary>
    public Verification? VerifiedVia { get; set; }

    /// <summary>
    /// When the fault was confirmed gone (the time to fix ends here): the alerts' last clear for the telemetry, the
    /// fix a person confirmed for the community, the street office or the resident. Not the moment staff clicked "fixed".
    /// </summary>
    public DateTimeOffset? RecoveredAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public string? CancelReason { get; set; }

    /// <summary>0 none, 1 the party's supervisor, 2 the community.</summary>
    public int EscalationLevel { get; set; }

    public DateTimeOffset? EscalatedAt { get; set; }

    public int ReopenCount { get; set; }

    public DateTimeOffset? ReopenedAt { get; set; }

    /// <summary>For resident reports: the tracking code shown to the resident.</summary>
    public string? TrackingCode { get; set; }

    /// <summary>For resident reports: an optional phone number for a call back (never shown publicly).</summary>
    public string? ReporterPhone { get; set; }

    /// <summary>
    /// For resident reports: the key the report form carried. A form sent twice (a double tap, a resend from the
    /// phone's offline queue after an answer was lost) carries the same key and finds this order instead of making another.
    /// </summary>
    public string? ReportKey { get; set; }

    /// <summary>
    /// For resident reports: how many later reports of the same fault joined this order (<c>Reports/MergedReport</c>);
    /// the residents who reported it are one more than this.
    /// </summary>
    public int MergedReports { get; set; }

    /// <summary>How many residents reported it: 0 for an order that did not come from a report.</summary>
    public int ResidentReports => Source == WorkOrderSource.Resident ? 1 + MergedReports : 0;

    /// <summary>Concurrency token.</summary>
    public int Version { get; set; }

    public bool IsOpen => Status is not (WorkOrderStatus.Closed or WorkOrderStatus.Cancelled);

    /// <summary>When this life of the order began: its reopening, else its creation (supervision measures from here).</summary>
    public DateTimeOffset StartedAt => ReopenedAt ?? CreatedAt;
}

/// <summary>A comment on a work order.</summary>
public sealed class WorkOrderComment
{
    public long Id { get; set; }

    public long WorkOrderId { get; set; }

    public DateTimeOffset At { get; set; }

    public required string By { get; set; }

    public required string Text { get; set; }
}

/// <summary>A photo attached to a work order (checked to be a JPEG or PNG, size-limited).</summary>
public sealed class WorkOrderAttachment
{
    public long Id { get; set; }

    public long WorkOrderId { get; set; }

    public DateTimeOffset At { get; set; }

    public required string By { get; set; }

    public required string ContentType { get; set; }

    public required string FileName { get; set; }

    public required byte[] Content { get; set; }
}
