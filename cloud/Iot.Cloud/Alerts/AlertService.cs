using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Rules;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Alerts;

/// <summary>
/// Turns rule transitions into alerts and keeps their lifecycle: open → acknowledged → cleared → closed, one alert not
/// closed per rule and subject, repeats counted, flapping detected, maintenance windows honoured, every step in the
/// alert's history. Callers save the context; the returned changes go to the live feed and to work orders.
/// </summary>
public sealed class AlertService(TimeProvider time, IOptions<AlertOptions> options)
{
    /// <summary>Applies transitions (in order) and returns what changed.</summary>
    public async Task<List<AlertChange>> ApplyAsync(CloudDb db, IReadOnlyList<RuleTransition> transitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(transitions);
        var changes = new List<AlertChange>();
        if (transitions.Count == 0)
        {
            return changes;
        }

        var keys = transitions.Select(t => t.Subject).Distinct().ToList();
        var open = await db.Set<Alert>().Where(a => a.ClosedAt == null && keys.Contains(a.Subject)).ToListAsync(cancellationToken);
        foreach (var t in transitions)
        {
            var alert = open.FirstOrDefault(a => a.RuleKey == t.Rule.Key && a.Subject == t.Subject);
            switch (t.Kind)
            {
                case TransitionKind.Raised or TransitionKind.Repeated when alert is null:
                    alert = await OpenAsync(db, t, cancellationToken);
                    open.Add(alert);
                    changes.Add(new AlertChange(alert, AlertChangeKind.Raised, !alert.Silenced));
                    break;
                case TransitionKind.Raised or TransitionKind.Repeated:
                    // A raise from before the clear (heard late, from another instance) is counted, not a new fault.
                    var reraised = alert.Status == AlertStatus.Cleared && !(t.At < alert.ClearedAt);
                    alert.Status = reraised ? AlertStatus.Open : alert.Status;
                    alert.ClearedAt = reraised ? null : alert.ClearedAt;
                    alert.Count++;
                    alert.LastRaisedAt = t.At > alert.LastRaisedAt ? t.At : alert.LastRaisedAt;
                    alert.Value = t.Value ?? alert.Value;
                    alert.Version++;
                    var kind = reraised ? AlertChangeKind.Reraised : AlertChangeKind.Repeated;
                    History(db, alert, kind, t.At, t.Value);
                    changes.Add(new AlertChange(alert, kind, reraised && !alert.Silenced && !alert.Flapping));
                    if (reraised && await StartsFlappingAsync(db, alert, t.At, cancellationToken))
                    {
                        changes.Add(new AlertChange(alert, AlertChangeKind.Flapping, !alert.Silenced));
                    }

                    break;
                // A clear from before the last raise (heard late, from another instance) does not clear it.
                case TransitionKind.Cleared when alert is { Status: not AlertStatus.Cleared } && t.At >= alert.LastRaisedAt:
                    alert.Status = AlertStatus.Cleared;
                    alert.ClearedAt = t.At;
                    alert.Version++;
                    History(db, alert, AlertChangeKind.Cleared, t.At, t.Value);
                    changes.Add(new AlertChange(alert, AlertChangeKind.Cleared, false));
                    if (await StartsFlappingAsync(db, alert, t.At, cancellationToken))
                    {
                        changes.Add(new AlertChange(alert, AlertChangeKind.Flapping, !alert.Silenced));
                    }

                    break;
            }
        }

        return changes;
    }

    /// <summary>Someone has seen the alert.</summary>
    public static AlertChange? Acknowledge(CloudDb db, Alert alert, string by, string? note, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(alert);
        if (alert.Status != AlertStatus.Open)
        {
            return null;
        }

        alert.Status = AlertStatus.Acknowledged;
        alert.AcknowledgedAt = now;
        alert.AcknowledgedBy = by;
        alert.Version++;
        History(db, alert, AlertChangeKind.Acknowledged, now, null, by, note);
        Audit(db, alert, by, now, WireNames.Of(AlertChangeKind.Acknowledged), note);
        return new AlertChange(alert, AlertChangeKind.Acknowledged, false);
    }

    /// <summary>Closes an alert (a person, or the sweep for cleared ones).</summary>
    public static AlertChange Close(CloudDb db, Alert alert, string by, string? note, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(alert);
        alert.Status = AlertStatus.Closed;
        alert.ClosedAt = now;
        alert.ClosedBy = by;
        alert.Version++;
        History(db, alert, AlertChangeKind.Closed, now, null, by, note);
        Audit(db, alert, by, now, WireNames.Of(AlertChangeKind.Closed), note);
        return new AlertChange(alert, AlertChangeKind.Closed, false);
    }

    /// <summary>Periodic upkeep: auto-closes old cleared alerts without an order, settles flapping ones, unsilences when a window ends.</summary>
    public async Task<List<AlertChange>> SweepAsync(CloudDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = time.GetUtcNow();
        var changes = new List<AlertChange>();
        var o = options.Value;

        // An alert with a work order is closed with its order (WorkOrderService.SweepAsync); these have none.
        var closeBefore = now - o.AutoCloseAfter;
        var stale = await db.Set<Alert>().Where(a => a.ClosedAt == null && a.Status == AlertStatus.Cleared && a.WorkOrderId == null).ToListAsync(cancellationToken);
        foreach (var alert in stale.Where(a => a.ClearedAt < closeBefore))
        {
            changes.Add(Close(db, alert, "system", $"cleared for {o.AutoCloseAfter.TotalHours:0} h", now));
        }

        var flapping = await db.Set<Alert>().Where(a => a.ClosedAt == null && a.Flapping).ToListAsync(cancellationToken);
        foreach (var alert in flapping.Where(a => (a.ClearedAt ?? a.LastRaisedAt) < now - o.FlapWindow && a.LastRaisedAt < now - o.FlapWindow))
        {
            alert.Flapping = false;
            alert.Version++;
            History(db, alert, AlertChangeKind.Settled, now, null);
            changes.Add(new AlertChange(alert, AlertChangeKind.Settled, false));
        }

        var silenced = await db.Set<Alert>().Where(a => a.ClosedAt == null && a.Silenced).ToListAsync(cancellationToken);
        foreach (var alert in silenced)
        {
            if (await ActiveWindowAsync(db, alert.CourtyardId, alert.Subject, now, cancellationToken) is null)
            {
                alert.Silenced = false;
                alert.SilencedReason = null;
                alert.Version++;
                History(db, alert, AlertChangeKind.Unsilenced, now, null);
                changes.Add(new AlertChange(alert, AlertChangeKind.Unsilenced, alert.Status != AlertStatus.Cleared));
            }
        }

        return changes;
    }

    private static async Task<Alert> OpenAsync(CloudDb db, RuleTransition t, CancellationToken cancellationToken)
    {
        // Nothing silences a critical rule (a charger cut-off, high water, a forced gate).
        var window = t.Rule.Severity == Severity.Critical ? null : await ActiveWindowAsync(db, t.Courtyard, t.Subject, t.At, cancellationToken);
        var alert = new Alert
        {
            RuleKey = t.Rule.Key, RuleVersion = t.Rule.Version, Fault = t.Rule.Fault, Subject = t.Subject, AgentId = t.Agent, DeviceId = t.Device,
            Outlet = t.Outlet, CourtyardId = t.Courtyard, Target = t.Rule.Target, Severity = t.Rule.Severity, Status = AlertStatus.Open,
            Title = t.Outlet is { } outlet ? $"{t.Rule.Name}（{outlet}号插座）" : t.Rule.Name, Value = t.Value,
            RaisedAt = t.At, LastRaisedAt = t.At, Count = 1, Silenced = window is not null, SilencedReason = window?.Reason,
        };
        db.Set<Alert>().Add(alert);
        History(db, alert, AlertChangeKind.Raised, t.At, t.Value);
        if (window is not null)
        {
            History(db, alert, AlertChangeKind.Silenced, t.At, null, window.CreatedBy, window.Reason);
        }

        return alert;
    }

    // More than the threshold of raises and clears within the window: mark flapping, once.
    private async Task<bool> StartsFlappingAsync(CloudDb db, Alert alert, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (alert.Flapping || alert.Id == 0)
        {
            return false;
        }

        var since = at - options.Value.FlapWindow;
        var flaps = await db.Set<AlertEvent>().CountAsync(e => e.AlertId == alert.Id && e.At >= since && (e.Kind == AlertChangeKind.Raised || e.Kind == AlertChangeKind.Reraised || e.Kind == AlertChangeKind.Cleared), cancellationToken)
            + db.ChangeTracker.Entries<AlertEvent>().Count(e => e.State == EntityState.Added && e.Entity.AlertId == alert.Id && (e.Entity.Kind == AlertChangeKind.Reraised || e.Entity.Kind == AlertChangeKind.Cleared));
        if (flaps <= options.Value.FlapThreshold)
        {
            return false;
        }

        alert.Flapping = true;
        History(db, alert, AlertChangeKind.Flapping, at, null, "system", $"{flaps} raises and clears within {options.Value.FlapWindow.TotalMinutes:0} min");
        return true;
    }

    private static Task<MaintenanceWindow?> ActiveWindowAsync(CloudDb db, CourtyardId courtyard, string subject, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.Set<MaintenanceWindow>().Where(w => w.CourtyardId == courtyard && (w.Subject == null || w.Subject == subject || subject.StartsWith(w.Subject + "/")) && w.From <= at && w.Until > at)
            .FirstOrDefaultAsync(cancellationToken);

    private static void History(CloudDb db, Alert alert, AlertChangeKind kind, DateTimeOffset at, double? value, string by = "system", string? note = null) =>
        db.Set<AlertEvent>().Add(new AlertEvent { AlertId = alert.Id, Alert = alert, At = at, Kind = kind, By = by, Value = value, Note = note });

    private static void Audit(CloudDb db, Alert alert, string by, DateTimeOffset at, string action, string? detail) =>
        db.Set<AuditEntry>().Add(AuditEntry.Of(at, by, "alert", alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), action, detail));
}
