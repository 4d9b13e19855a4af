using Iot.Cloud.Api;
using Iot.Cloud.Audit;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Alerts;

/// <summary>Alerts (list, detail with history, acknowledge, close) and maintenance windows.</summary>
public static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Alerts").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Staff);
        api.MapGet("/alerts", List);
        api.MapGet("/alerts/{id:long}", Get).ForAlert();
        api.MapPost("/alerts/{id:long}/acknowledge", Acknowledge).RequireAuthorization(Policies.Work).ForAlert();
        api.MapPost("/alerts/{id:long}/close", Close).RequireAuthorization(Policies.Work).ForAlert();
        api.MapGet("/maintenance", ListWindows);
        api.MapPost("/maintenance", CreateWindow).RequireAuthorization(Policies.Maintenance).ForCourtyardIn<MaintenanceRequest>(m => m.Courtyard);
        api.MapPost("/maintenance/{id:long}/end", EndWindow).RequireAuthorization(Policies.Maintenance).ForMaintenanceWindow();
        return app;
    }

    /// <summary><c>status</c>: <c>active</c> (default: not closed), <c>open</c>, <c>acknowledged</c>, <c>cleared</c>, <c>closed</c>, <c>all</c>.</summary>
    private static async Task<Results<Ok<List<AlertView>>, ProblemHttpResult>> List(CloudDb db, AccessScope scope, string? status, CourtyardId? courtyard, string? target, Severity? severity, int? limit, CancellationToken ct)
    {
        IQueryable<Alert> query = db.Alerts.AsNoTracking().Where(scope.Alerts);
        switch (status ?? "active")
        {
            case "active":
                query = query.Where(a => a.ClosedAt == null);
                break;
            case "all":
                break;
            case var s when Enum.TryParse<AlertStatus>(s, ignoreCase: true, out var parsed):
                query = query.Where(a => a.Status == parsed);
                break;
            default:
                return Problems.Bad("status", $"status is active, open, acknowledged, cleared, closed or all");
        }

        if (limit is < 1 or > 1000)
        {
            return Problems.Bad("limit", $"limit is between 1 and 1000");
        }

        query = query.Where(a => (courtyard == null || a.CourtyardId == courtyard) && (target == null || a.Target == target) && (severity == null || a.Severity == severity));
        var rows = await query.OrderByDescending(a => a.Id).Take(limit ?? 200).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(AlertView.Of).ToList());
    }

    private static async Task<Results<Ok<AlertDetail>, NotFound>> Get(long id, CloudDb db, CancellationToken ct)
    {
        var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null)
        {
            return TypedResults.NotFound();
        }

        var history = await db.AlertEvents.AsNoTracking().Where(e => e.AlertId == id).OrderBy(e => e.Id)
            .Select(e => new AlertHistoryView(e.At, WireNames.Of(e.Kind), e.By, e.Value, e.Note)).ToListAsync(ct);
        return TypedResults.Ok(new AlertDetail(AlertView.Of(alert), history));
    }

    // Confirming is taking the fault on: the work order reacts to the confirmation (WorkOrderStage, on AlertsChanged)
    // in the same save, so the alert and its order never disagree about whether someone has it.
    private static async Task<Results<Ok<AlertView>, NotFound, ProblemHttpResult>> Acknowledge(long id, NoteRequest? body, HttpContext http, Work work, TimeProvider time, CancellationToken ct)
    {
        var db = work.Db;
        var alert = await db.Alerts.SingleOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null)
        {
            return TypedResults.NotFound();
        }

        if (AlertService.Acknowledge(db, alert, Actor.Of(http), body?.Note, time.GetUtcNow()) is not { } change)
        {
            return Problems.Conflict($"alert {id} is {alert.Status.ToString().ToLowerInvariant()}; only an open alert can be acknowledged");
        }

        await work.RaiseAsync(new AlertsChanged([change]), ct);
        try
        {
            await work.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict($"alert {id} or its work order was changed by someone else meanwhile; reload and try again");
        }

        return TypedResults.Ok(AlertView.Of(alert));
    }

    private static async Task<Results<Ok<AlertView>, NotFound, ProblemHttpResult>> Close(long id, NoteRequest? body, HttpContext http, Work work, AccessScope scope, TimeProvider time, CancellationToken ct)
    {
        var db = work.Db;
        var alert = await db.Alerts.SingleOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null)
        {
            return TypedResults.NotFound();
        }

        if (alert.Severity == Severity.Critical && !scope.SeesEverything)
        {
            return Problems.Forbidden($"an alert of a critical rule closes by itself once its condition has cleared, or by the street office");
        }

        if (alert.Status != AlertStatus.Cleared)
        {
            return Problems.Conflict($"alert {id} is {alert.Status.ToString().ToLowerInvariant()}; only a cleared alert can be closed (its condition must be gone)");
        }

        var change = AlertService.Close(db, alert, Actor.Of(http), body?.Note, time.GetUtcNow());
        await work.RaiseAsync(new AlertsChanged([change]), ct);
        await work.SaveAsync(ct);
        return TypedResults.Ok(AlertView.Of(alert));
    }

    private static async Task<Ok<List<MaintenanceWindow>>> ListWindows(CloudDb db, AccessScope scope, CourtyardId? courtyard, bool? current, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return TypedResults.Ok(await db.MaintenanceWindows.AsNoTracking().Where(scope.MaintenanceWindows)
            .Where(w => (courtyard == null || w.CourtyardId == courtyard) && (current != true || (w.From <= now && w.Until > now)))
            .OrderByDescending(w => w.Id).Take(500).ToListAsync(ct));
    }

    private static async Task<Results<Created<MaintenanceWindow>, ProblemHttpResult>> CreateWindow(MaintenanceRequest body, HttpContext http, CloudDb db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var from = body.From ?? now;
        if (!CourtyardId.TryParse(body.Courtyard, out var courtyard, out _) || !await db.Courtyards.AnyAsync(c => c.Id == courtyard, ct))
        {
            return Problems.Bad("courtyard", $"unknown courtyard '{body.Courtyard}'");
        }

        if (body.Subject is not null && !await IsUnitOrDeviceOfAsync(db, body.Subject, courtyard, ct))
        {
            return Problems.Bad("subject", $"'{body.Subject}' is not a unit or device of {body.Courtyard}: leave it out for the whole courtyard, or name {{agent}} or {{agent}}/{{device}}");
        }

        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 500)
        {
            return Problems.Bad("reason", $"a maintenance window needs a reason (at most 500 characters)");
        }

        if (body.Until <= from || body.Until - from > MaintenanceWindow.Longest)
        {
            return Problems.Bad("until", $"until must be after from, and at most 7 days later");
        }

        var window = new MaintenanceWindow { CourtyardId = courtyard, Subject = body.Subject, From = from, Until = body.Until, Reason = body.Reason, CreatedBy = Actor.Of(http), CreatedAt = now };
        db.MaintenanceWindows.Add(window);
        db.AuditLog.Add(AuditEntry.Of(now, window.CreatedBy, "maintenance", body.Courtyard, "created", $"{body.Subject ?? "whole courtyard"} {from:O} – {body.Until:O}: {body.Reason}"));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/maintenance/{window.Id}", window);
    }

    // A window's subject silences what it names, so it must name something of that courtyard.
    private static async Task<bool> IsUnitOrDeviceOfAsync(CloudDb db, string subject, CourtyardId courtyard, CancellationToken ct)
    {
        if (!Subject.TryParse(subject, out var about) || !await db.Agents.AnyAsync(a => a.Id == about.Value.Agent && a.CourtyardId == courtyard, ct))
        {
            return false;
        }

        return about.Value.Device is not { } device || await db.Devices.AnyAsync(d => d.AgentId == about.Value.Agent && d.Id == device, ct);
    }

    private static async Task<Results<Ok<MaintenanceWindow>, NotFound>> EndWindow(long id, HttpContext http, CloudDb db, TimeProvider time, CancellationToken ct)
    {
        var window = await db.MaintenanceWindows.SingleOrDefaultAsync(w => w.Id == id, ct);
        if (window is null)
        {
            return TypedResults.NotFound();
        }

        var now = time.GetUtcNow();
        window.Until = window.Until > now ? now : window.Until;
        db.AuditLog.Add(AuditEntry.Of(now, Actor.Of(http), "maintenance", window.CourtyardId.Value, "ended", $"window {id}"));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(window);
    }
}

public sealed record NoteRequest(string? Note = null);

public sealed record MaintenanceRequest(string Courtyard, DateTimeOffset Until, string Reason, string? Subject = null, DateTimeOffset? From = null);

public sealed record AlertHistoryView(DateTimeOffset At, string Kind, string By, double? Value, string? Note);

public sealed record AlertDetail(AlertView Alert, IReadOnlyList<AlertHistoryView> History);
