using System.Globalization;
using System.Security.Cryptography;
using Iot.Cloud.Alerts;
using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.WorkOrders;

/// <summary>
/// Work orders: made from alerts by policy (or by staff and residents), routed to the party responsible for the
/// courtyard, due by that party's service levels, moved through their statuses with every change in the audit log,
/// escalated when overdue, verified by telemetry after repair, and reopened when the fault comes back within a week.
/// Callers save the context.
/// </summary>
public sealed class WorkOrderService(TimeProvider time, IOptions<WorkOrderOptions> options, IOptions<AlertOptions> alertOptions, SiteRegistry registry)
{
    private const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    /// <summary>
    /// Reacts to alert changes: a raise whose policy says "at once" gets its work order now; a person of the responsible
    /// party confirming an alert takes its order (see <see cref="TakeAsync"/>).
    /// </summary>
    public async Task<List<WorkOrderChange>> OnAlertChangesAsync(CloudDb db, IEnumerable<AlertChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(changes);
        var result = new List<WorkOrderChange>();
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case AlertChangeKind.Raised or AlertChangeKind.Reraised or AlertChangeKind.Unsilenced:
                    await OrderForAsync(db, change.Alert, result, cancellationToken);
                    break;
                case AlertChangeKind.Acknowledged when change.Alert.WorkOrderId is { } id
                    && (db.Set<WorkOrder>().Local.FirstOrDefault(w => w.Id == id) ?? await db.Set<WorkOrder>().SingleOrDefaultAsync(w => w.Id == id, cancellationToken)) is { } order:
                    if (await TakeAsync(db, order, change.Alert, cancellationToken) is { } taken)
                    {
                        result.Add(taken);
                    }

                    break;
            }
        }

        return result;
    }

    /// <summary>
    /// Periodic work: alerts that lasted long enough, overdue escalation, verification of repairs, and the alerts of
    /// orders that are over (closed with them once cleared for the alerts' auto-close period; alerts without an order
    /// are the alerts' own sweep's).
    /// </summary>
    public async Task<OrderSweep> SweepAsync(CloudDb db, Func<WorkOrder, Task<bool>> evidence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(evidence);
        var result = new List<WorkOrderChange>();
        var closedAlerts = new List<AlertChange>();
        var now = time.GetUtcNow();

        var waiting = await db.Set<Alert>().Where(a => a.ClosedAt == null && a.WorkOrderId == null && !a.Silenced).ToListAsync(cancellationToken);
        foreach (var alert in waiting)
        {
            await OrderForAsync(db, alert, result, cancellationToken);
        }

        var open = await db.Set<WorkOrder>().Where(w => w.ClosedAt == null && w.CancelledAt == null).ToListAsync(cancellationToken);
        foreach (var order in open.Where(w => w.Status is not (WorkOrderStatus.Fixed or WorkOrderStatus.Verified)))
        {
            var level = EscalationDue(order, now);
            if (level > order.EscalationLevel)
            {
                order.EscalationLevel = level;
                order.EscalatedAt = now;
                order.Version++;
                Audit(db, order, "system", now, $"escalated:{level}", level == 1 ? "overdue: escalated to the party's supervisor" : "long overdue: escalated to the community");
                result.Add(new WorkOrderChange(order, WorkOrderChangeKind.Escalated, Notify: true));
            }
        }

        foreach (var order in open.Where(w => w.Status == WorkOrderStatus.Fixed && w.Source == WorkOrderSource.Alert))
        {
            if (await VerifyByTelemetryAsync(db, order, now, evidence, cancellationToken) is { } verified)
            {
                result.AddRange(verified);
            }
        }

        var openIds = open.Where(w => w.IsOpen).Select(w => w.Id).ToHashSet();
        var quietSince = now - alertOptions.Value.AutoCloseAfter;
        var over = await db.Set<Alert>().Where(a => a.ClosedAt == null && a.Status == AlertStatus.Cleared && a.WorkOrderId != null && a.ClearedAt < quietSince).ToListAsync(cancellationToken);
        foreach (var alert in over.Where(a => a.ClosedAt is null && !openIds.Contains(a.WorkOrderId!.Value))) // not closed by a verification above
        {
            closedAlerts.Add(AlertService.Close(db, alert, "system", $"cleared for {alertOptions.Value.AutoCloseAfter.TotalHours:0} h", now));
        }

        return new OrderSweep(result, closedAlerts);
    }

    /// <summary>Opens a work order by hand (staff) or from a resident report; saved at once so it has its number.</summary>
    public async Task<WorkOrderChange> CreateAsync(CloudDb db, WorkOrderSource source, CourtyardId courtyardId, string target, string? subject, string fault, Severity severity, string title, string? description, string by, string? reporterPhone, string? reportKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = time.GetUtcNow();
        var courtyard = Courtyard(courtyardId);
        var order = NewOrder(source, courtyard, target, subject ?? $"{courtyardId}/{WireNames.Of(source)}-{Code(6).ToLowerInvariant()}", fault, severity, title, description, by, now);
        order.ReporterPhone = reporterPhone;
        order.ReportKey = reportKey;
        order.TrackingCode = source == WorkOrderSource.Resident ? Code(8) : null;
        await AddAsync(db, order, cancellationToken);
        Audit(db, order, by, now, "created", $"{WireNames.Of(source)}: {title}");
        return new WorkOrderChange(order, WorkOrderChangeKind.Created, Notify: true);
    }

    /// <summary>
    /// A resident's report joins <paramref name="order"/>, opened by an earlier report of the same fault: counted, and
    /// its call-back number kept when the order has none yet.
    /// </summary>
    public WorkOrderChange MergeReport(CloudDb db, WorkOrder order, string trackingCode, string? reporterPhone)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(order);
        order.MergedReports++;
        order.ReporterPhone ??= reporterPhone;
        order.Version++;
        Audit(db, order, "resident", time.GetUtcNow(), "report-merged", string.Create(CultureInfo.InvariantCulture, $"report {trackingCode} joined: {order.ResidentReports} residents reported this"));
        return new WorkOrderChange(order, WorkOrderChangeKind.ReportMerged, Notify: false);
    }

    /// <summary>
    /// Moves an order to <paramref name="to"/>, if allowed; returns a reason when it is not. <paramref name="at"/> dates a
    /// move made a little earlier than now (the demo staff's, between two rounds on a replayed week's clock); never later.
    /// </summary>
    public (WorkOrderChange? Change, FormattableString? Refusal) Transition(CloudDb db, WorkOrder order, WorkOrderStatus to, string by, string? note, string? assignee = null, DateTimeOffset? at = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(order);
        if (!WorkOrderTransitions.IsAllowed(order.Status, to))
        {
            return (null, $"a work order that is {WireNames.Of(order.Status)} cannot become {WireNames.Of(to)}; allowed: {string.Join(", ", WorkOrderTransitions.From(order.Status).Select(WireNames.Of))}");
        }

        if (to == WorkOrderStatus.Cancelled && string.IsNullOrWhiteSpace(note))
        {
            return (null, $"cancelling needs a reason");
        }

        if (to == WorkOrderStatus.Assigned && string.IsNullOrWhiteSpace(assignee))
        {
            return (null, $"assigning needs the person to assign to");
        }

        var now = time.GetUtcNow();
        now = at < now ? at.Value : now;
        var from = order.Status;
        var assignedBefore = order.AssignedTo;
        order.Status = to;
        order.Version++;
        order.AcknowledgedAt ??= to is WorkOrderStatus.Assigned or WorkOrderStatus.InProgress or WorkOrderStatus.WaitingForParts or WorkOrderStatus.Fixed ? now : null;
        switch (to)
        {
            case WorkOrderStatus.Assigned:
                order.AssignedTo = assignee;
                break;
            // Taking an order (接单) makes the taker its assignee; going back to work keeps whoever has it.
            case WorkOrderStatus.InProgress when assignee is not null:
                order.AssignedTo = assignee;
                break;
            case WorkOrderStatus.InProgress when from is WorkOrderStatus.New or WorkOrderStatus.Assigned || order.AssignedTo is null:
                order.AssignedTo = by;
                break;
            case WorkOrderStatus.Fixed:
                order.FixedAt = now;
                break;
            case WorkOrderStatus.Verified:
                order.VerifiedAt = now;
                order.VerifiedBy = by;
                break;
            case WorkOrderStatus.Closed:
                order.ClosedAt = now;
                break;
            case WorkOrderStatus.Cancelled:
                order.CancelledAt = now;
                order.CancelReason = note;
                break;
        }

        Audit(db, order, by, now, $"status:{WireNames.Of(to)}", $"{WireNames.Of(from)} → {WireNames.Of(to)}{(order.AssignedTo == assignedBefore && to != WorkOrderStatus.Assigned ? string.Empty : $" ({order.AssignedTo})")}{(note is null ? string.Empty : $": {note}")}");
        return (new WorkOrderChange(order, WorkOrderChangeKind.Status, Notify: to is WorkOrderStatus.Assigned or WorkOrderStatus.Closed or WorkOrderStatus.Cancelled), null);
    }

    /// <summary>Adds a comment.</summary>
    public WorkOrderChange Comment(CloudDb db, WorkOrder order, string by, string text)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(order);
        var now = time.GetUtcNow();
        db.Set<WorkOrderComment>().Add(new WorkOrderComment { WorkOrderId = order.Id, At = now, By = by, Text = text });
        Audit(db, order, by, now, "comment", text);
        return new WorkOrderChange(order, WorkOrderChangeKind.Comment, Notify: false);
    }

    /// <summary>Which escalation level an open order has reached: 1 past a due time (the party's supervisor), 2 past twice the allowed time (the community).</summary>
    public static int EscalationDue(WorkOrder order, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        var fixAllowed = order.FixDueAt - order.CreatedAt;
        var ackAllowed = order.AckDueAt - order.CreatedAt;
        var unacknowledged = order.AcknowledgedAt is null;
        if (now > order.FixDueAt + fixAllowed || (unacknowledged && now > order.AckDueAt + ackAllowed))
        {
            return 2;
        }

        return now > order.FixDueAt || (unacknowledged && now > order.AckDueAt) ? 1 : 0;
    }

    // The alert's work order (made, attached or reopened), taken at once when the alert was confirmed already.
    private async Task OrderForAsync(CloudDb db, Alert alert, List<WorkOrderChange> result, CancellationToken cancellationToken)
    {
        if (await EnsureOrderAsync(db, alert, cancellationToken) is not { } made)
        {
            return;
        }

        result.Add(made);
        if (await TakeAsync(db, made.Order, alert, cancellationToken) is { } taken)
        {
            result.Add(taken);
        }
    }

    /// <summary>
    /// One meaning of "acknowledged" for alert and order: a person of the responsible party has taken the fault on.
    /// Confirming (确认) an alert is therefore taking its order: an order nobody has acknowledged yet (new, or reopened)
    /// is assigned to the person who confirmed the alert, and is acknowledged from then. A confirmation by someone
    /// outside the party (the street office) is theirs, not the company's, and leaves the order as it is.
    /// </summary>
    private async Task<WorkOrderChange?> TakeAsync(CloudDb db, WorkOrder order, Alert alert, CancellationToken cancellationToken)
    {
        if (alert.Status != AlertStatus.Acknowledged || alert.AcknowledgedBy is not { } person || order.AcknowledgedAt is not null
            || order.Status is not (WorkOrderStatus.New or WorkOrderStatus.Assigned)
            || !await db.Set<Account>().AnyAsync(u => u.UserName == person && u.PartyId == order.PartyId, cancellationToken))
        {
            return null;
        }

        var (taken, _) = Transition(db, order, WorkOrderStatus.Assigned, person, string.Create(CultureInfo.InvariantCulture, $"alert {alert.Id} acknowledged"), person);
        return taken;
    }

    // The work order for an alert: attach to the fault's open order, reopen a recently closed one, or make one.
    private async Task<WorkOrderChange?> EnsureOrderAsync(CloudDb db, Alert alert, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();

        // "At once" severities get their order even if the alert has cleared meanwhile (a forced gate that closed
        // again still needs a look); the others only when the alert has lasted.
        if (alert.WorkOrderId is not null || alert.Silenced || alert.Status == AlertStatus.Closed
            || !options.Value.CreateAfter.TryGetValue(alert.Severity, out var after) || now - alert.RaisedAt < after
            || (alert.Status == AlertStatus.Cleared && after > TimeSpan.Zero))
        {
            return null;
        }

        var orders = db.Set<WorkOrder>();
        var open = orders.Local.FirstOrDefault(w => w.Fault == alert.Fault && w.Subject == alert.Subject && w.IsOpen)
            ?? await orders.FirstOrDefaultAsync(w => w.Fault == alert.Fault && w.Subject == alert.Subject && w.ClosedAt == null && w.CancelledAt == null, cancellationToken);
        if (open is not null)
        {
            alert.WorkOrderId = open.Id;
            alert.Version++;
            Audit(db, open, "system", now, "alert-attached", $"alert {alert.Id} ({alert.Title}) attached");
            return new WorkOrderChange(open, WorkOrderChangeKind.Attached, Notify: false);
        }

        var reopenAfter = now - options.Value.ReopenWithin;
        var recent = await orders.Where(w => w.Fault == alert.Fault && w.Subject == alert.Subject && w.ClosedAt != null && w.ClosedAt >= reopenAfter)
            .OrderByDescending(w => w.ClosedAt).FirstOrDefaultAsync(cancellationToken);
        if (recent is not null)
        {
            var level = ServiceLevelFor(recent.PartyId, alert.Severity, Courtyard(recent.CourtyardId), recent.Target);
            recent.Status = recent.AssignedTo is null ? WorkOrderStatus.New : WorkOrderStatus.Assigned;
            recent.ClosedAt = null;
            recent.FixedAt = null;
            recent.VerifiedAt = null;
            recent.VerifiedBy = null;
            recent.VerifiedVia = null;
            recent.RecoveredAt = null;
            recent.AcknowledgedAt = null;
            recent.ReopenCount++;
            recent.ReopenedAt = now;
            recent.EscalationLevel = 0;
            recent.AckDueAt = now.AddMinutes(level.AckMinutes);
            recent.FixDueAt = now.AddMinutes(level.FixMinutes);
            recent.Version++;
            alert.WorkOrderId = recent.Id;
            alert.Version++;
            Audit(db, recent, "system", now, "reopened", $"the fault came back ({alert.Title}); reopened {recent.ReopenCount} time(s)");
            return new WorkOrderChange(recent, WorkOrderChangeKind.Reopened, Notify: true);
        }

        var courtyard = Courtyard(alert.CourtyardId);
        var order = NewOrder(WorkOrderSource.Alert, courtyard, alert.Target, alert.Subject, alert.Fault, alert.Severity, alert.Title, DescribeAlert(alert), "system", now);
        await AddAsync(db, order, cancellationToken);
        alert.WorkOrderId = order.Id;
        alert.Version++;
        Audit(db, order, "system", now, "created", $"from alert {alert.Id}: {alert.Title}");
        return new WorkOrderChange(order, WorkOrderChangeKind.Created, Notify: true);
    }

    /// <summary>
    /// A person confirms that a fixed order's repair held (<see cref="WorkOrderRoles"/> says who may), which closes it.
    /// Refused while one of its alerts is still active: then the fault is still there, whatever anyone says.
    /// </summary>
    public async Task<(List<WorkOrderChange>? Changes, FormattableString? Refusal)> ConfirmAsync(CloudDb db, WorkOrder order, string by, Verification via, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(order);
        if (order.Status == WorkOrderStatus.Fixed && await db.Set<Alert>().Where(a => a.WorkOrderId == order.Id && a.ClosedAt == null && a.Status != AlertStatus.Cleared)
                .Select(a => new { a.Id, a.Title }).FirstOrDefaultAsync(cancellationToken) is { } active)
        {
            return (null, $"alert {active.Id} ({active.Title}) is still active: the repair is confirmed once it clears");
        }

        var (verified, refusal) = Transition(db, order, WorkOrderStatus.Verified, by, note);
        if (verified is null)
        {
            return (null, refusal);
        }

        order.VerifiedVia = via;
        order.RecoveredAt = order.FixedAt;
        var (closed, _) = Transition(db, order, WorkOrderStatus.Closed, by, null);
        return ([verified, closed!], null);
    }

    // After a repair: the fault's alerts are all cleared and have stayed so; where telemetry can prove the repair
    // (a lamp drawing current again at night), it must. Recovered when the last alert cleared (not before this life began).
    private async Task<List<WorkOrderChange>?> VerifyByTelemetryAsync(CloudDb db, WorkOrder order, DateTimeOffset now, Func<WorkOrder, Task<bool>> evidence, CancellationToken cancellationToken)
    {
        var alerts = await db.Set<Alert>().Where(a => a.WorkOrderId == order.Id && a.ClosedAt == null).ToListAsync(cancellationToken);
        if (alerts.Any(a => a.Status != AlertStatus.Cleared && a.LastRaisedAt > order.FixedAt))
        {
            var (back, _) = Transition(db, order, WorkOrderStatus.InProgress, "system", "the fault is still present after the repair");
            return back is null ? null : [back];
        }

        var lastClear = alerts.Select(a => a.ClearedAt ?? DateTimeOffset.MinValue).DefaultIfEmpty(order.FixedAt!.Value).Max();
        if (alerts.Any(a => a.Status != AlertStatus.Cleared) || now - Max(lastClear, order.FixedAt!.Value) < options.Value.VerifyQuiet || !await evidence(order))
        {
            return null;
        }

        var (verified, _) = Transition(db, order, WorkOrderStatus.Verified, "system", "verified by telemetry");
        order.VerifiedVia = Verification.Telemetry;
        order.RecoveredAt = Max(alerts.Count == 0 ? order.FixedAt!.Value : lastClear, order.StartedAt);
        var (closed, _) = Transition(db, order, WorkOrderStatus.Closed, "system", null);
        foreach (var alert in alerts)
        {
            AlertService.Close(db, alert, "system", $"work order {order.Number} closed", now);
        }

        return [verified!, closed!];
    }

    // Saved at once: the order's id is its number, and the unique index on (fault, subject) for open orders
    // refuses a second one made at the same moment by another cloud instance.
    private static async Task AddAsync(CloudDb db, WorkOrder order, CancellationToken cancellationToken)
    {
        db.Set<WorkOrder>().Add(order);
        await db.SaveChangesAsync(cancellationToken);
        order.Number = string.Create(CultureInfo.InvariantCulture, $"WO-{order.CreatedAt:yyyyMMdd}-{order.Id:D5}");
    }

    private WorkOrder NewOrder(WorkOrderSource source, CourtyardManifest courtyard, string target, string subject, string fault, Severity severity, string title, string? description, string by, DateTimeOffset now)
    {
        var party = courtyard.Responsible?.Value ?? throw new InvalidOperationException($"courtyard {courtyard.Id} has no responsible party");
        var level = ServiceLevelFor(party, severity, courtyard, target);
        return new WorkOrder
        {
            Number = string.Empty, Source = source, Status = WorkOrderStatus.New, CourtyardId = courtyard.Id, PartyId = party, Fault = fault,
            Subject = subject, Target = target, Severity = severity, Title = title, Description = description, CreatedAt = now, CreatedBy = by,
            AckDueAt = now.AddMinutes(level.AckMinutes), FixDueAt = now.AddMinutes(level.FixMinutes),
        };
    }

    /// <summary>
    /// The party's contract level for a severity, else the default; for a lamp or gate in a courtyard where elderly
    /// people live alone, the street office's care level where it is shorter (each time on its own).
    /// </summary>
    public ServiceLevel ServiceLevelFor(string partyId, Severity severity, CourtyardManifest courtyard, string target)
    {
        ArgumentNullException.ThrowIfNull(courtyard);
        var manifest = registry.Current?.Site.Manifest;
        var party = manifest?.Parties.FirstOrDefault(p => p.Id.Value == partyId);
        var level = party?.ServiceLevels?.TryGetValue(WireNames.Of(severity), out var own) == true && own is not null
            ? own
            : options.Value.DefaultServiceLevels[severity];
        return manifest?.CareServiceLevel is { } care && courtyard.ElderlyAlone > 0 && target is "streetlight" or "gate"
            ? new ServiceLevel(Math.Min(level.AckMinutes, care.AckMinutes), Math.Min(level.FixMinutes, care.FixMinutes))
            : level;
    }

    private CourtyardManifest Courtyard(CourtyardId id) =>
        registry.Current?.Site.Courtyards.Select(c => c.Courtyard).FirstOrDefault(c => c.Id == id)
            ?? throw new InvalidOperationException($"unknown courtyard '{id}'");

    // Stored with the order, for the API and the webhooks' group chats: Chinese like the rule names, the device by its
    // manifest name, the time in the site's zone as everywhere else. The console words it afresh in the page language.
    private string DescribeAlert(Alert alert)
    {
        var zone = registry.Current?.Site.Manifest.TimeZone is { } name && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var found) ? found : TimeZoneInfo.Utc;
        var device = Courtyard(alert.CourtyardId).Agents.FirstOrDefault(a => a.Id == alert.AgentId)?.Devices.FirstOrDefault(d => d.Id == alert.DeviceId)?.Name ?? "院坝终端";
        var outlet = alert.Outlet is { } n ? $"{n}号插座" : string.Empty;
        var value = alert.Value is { } v ? string.Create(CultureInfo.InvariantCulture, $"，读数 {v:0.###}") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{alert.Title}：{device}{outlet}{value}，{TimeZoneInfo.ConvertTime(alert.RaisedAt, zone):yyyy-MM-dd HH:mm} 报警");
    }

    /// <summary>A new tracking code for a resident's report.</summary>
    public static string NewTrackingCode() => Code(8);

    private static string Code(int length) => string.Create(length, 0, (span, _) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
    });

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static void Audit(CloudDb db, WorkOrder order, string by, DateTimeOffset at, string action, string? detail) =>
        db.Set<AuditEntry>().Add(AuditEntry.Of(at, by, "workOrder", order.Id.ToString(CultureInfo.InvariantCulture), action, detail));
}
