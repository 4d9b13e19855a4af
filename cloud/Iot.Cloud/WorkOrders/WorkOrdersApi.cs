using Iot.Cloud.Alerts;
using Iot.Cloud.Api;
using Iot.Cloud.Audit;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.WorkOrders;

/// <summary>Work orders: queue, detail with audit trail, manual orders, status changes, comments and photos.</summary>
public static class WorkOrdersApi
{
    /// <summary>Largest photo accepted.</summary>

    public static IEndpointRouteBuilder MapWorkOrdersApi(this IEndpointRouteBuilder app)
    {
        // Everyone in scope reads and comments; changing the work is for the responsible party and the street office.
        var api = app.MapGroup("/api/work-orders").WithTags("Work orders").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Staff);
        api.MapGet("/", List);
        api.MapGet("/{id:long}", Get).ForWorkOrder();
        api.MapPost("/", Create).RequireAuthorization(Policies.Work).ForCourtyardIn<CreateWorkOrderRequest>(w => w.Courtyard);
        api.MapPost("/{id:long}/status", ChangeStatus).ForWorkOrder(); // who may move it where: WorkOrderRoles
        api.MapPost("/{id:long}/comments", AddComment).ForWorkOrder();
        api.MapPost("/{id:long}/photos", AddPhoto).TakesOnePhoto().DisableAntiforgery().RequireAuthorization(Policies.Work).ForWorkOrder();
        api.MapGet("/{id:long}/photos/{photo:long}", GetPhoto).ForWorkOrder();
        return app;
    }

    private static async Task<Results<Ok<List<WorkOrderView>>, ProblemHttpResult>> List(
        CloudDb db, AccessScope scope, TimeProvider time, WorkOrderStatus? status, string? party, CourtyardId? courtyard, string? assignedTo, bool? open, bool? overdue, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
        {
            return Problems.Bad("limit", $"limit is between 1 and 1000");
        }

        var now = time.GetUtcNow();
        var rows = await db.WorkOrders.AsNoTracking().Where(scope.WorkOrders)
            .Where(w => (status == null || w.Status == status) && (party == null || w.PartyId == party) && (courtyard == null || w.CourtyardId == courtyard)
                && (assignedTo == null || w.AssignedTo == assignedTo) && (open != true || (w.ClosedAt == null && w.CancelledAt == null)))
            .OrderByDescending(w => w.Id).Take(limit ?? 200).ToListAsync(ct);
        var views = rows.Select(w => WorkOrderView.Of(w, now));
        return TypedResults.Ok((overdue == true ? views.Where(v => v.Overdue) : views).ToList());
    }

    private static async Task<Results<Ok<WorkOrderDetail>, NotFound>> Get(long id, CloudDb db, AccessScope scope, TimeProvider time, CancellationToken ct)
    {
        var order = await db.WorkOrders.AsNoTracking().SingleOrDefaultAsync(w => w.Id == id, ct);
        if (order is null)
        {
            return TypedResults.NotFound();
        }

        var phone = await ReporterPhone.RevealAsync(db, scope, order, time.GetUtcNow(), ct);
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(new WorkOrderDetail(
            WorkOrderView.Of(order, time.GetUtcNow()),
            (await db.Alerts.AsNoTracking().Where(a => a.WorkOrderId == id).OrderBy(a => a.Id).ToListAsync(ct)).Select(AlertView.Of).ToList(),
            await db.WorkOrderComments.AsNoTracking().Where(c => c.WorkOrderId == id).OrderBy(c => c.Id).Select(c => new CommentView(c.Id, c.At, c.By, c.Text)).ToListAsync(ct),
            await db.WorkOrderAttachments.AsNoTracking().Where(a => a.WorkOrderId == id).OrderBy(a => a.Id).Select(a => new PhotoView(a.Id, a.At, a.By, a.ContentType, a.FileName, a.Content.Length)).ToListAsync(ct),
            await db.AuditLog.AsNoTracking().Where(a => a.Entity == "workOrder" && a.EntityId == key).OrderBy(a => a.Id).Select(a => new AuditView(a.At, a.Actor, a.Action, a.Detail)).ToListAsync(ct),
            WorkOrderRoles.Next(scope, order),
            phone));
    }

    private static async Task<Results<Created<WorkOrderView>, ProblemHttpResult>> Create(CreateWorkOrderRequest body, HttpContext http, Work work, WorkOrderService orders, TimeProvider time, CancellationToken ct)
    {
        var db = work.Db;
        if (!CourtyardId.TryParse(body.Courtyard, out var courtyard, out _) || !await db.Courtyards.AnyAsync(c => c.Id == courtyard, ct))
        {
            return Problems.Bad("courtyard", $"unknown courtyard '{body.Courtyard}'");
        }

        if (string.IsNullOrWhiteSpace(body.Title) || body.Title.Length > 200 || body.Description?.Length > 4000)
        {
            return Problems.Bad("title", $"a title (at most 200 characters) is required; a description is at most 4000");
        }

        if (Iot.Protocol.Identifiers.IdentifierRules.SlugProblem(body.Fault, "fault") is { } faultProblem)
        {
            return Problems.Bad("fault", Problems.Text(faultProblem));
        }

        // One open order per fault and subject (a unique index): a second is refused, naming the first.
        if (body.Subject is not null && await db.WorkOrders.AsNoTracking().Where(w => w.Fault == body.Fault && w.Subject == body.Subject && w.ClosedAt == null && w.CancelledAt == null)
                .Select(w => w.Number).FirstOrDefaultAsync(ct) is { } open)
        {
            return Problems.Conflict($"{open} is already open for fault '{body.Fault}' on subject '{body.Subject}'");
        }

        WorkOrderChange change;
        try
        {
            change = await orders.CreateAsync(db, WorkOrderSource.Staff, courtyard, body.Target ?? "other", body.Subject, body.Fault, body.Severity ?? Severity.Minor, body.Title, body.Description, Actor.Of(http), null, null, ct);
        }
        catch (DbUpdateException)
        {
            // Another request or instance opened the same one meanwhile.
            return Problems.Conflict($"a work order is already open for fault '{body.Fault}' on subject '{body.Subject}'");
        }

        await work.RaiseAsync(new OrdersChanged([change]), ct);
        await work.SaveAsync(ct);
        return TypedResults.Created($"/api/work-orders/{change.Order.Id}", WorkOrderView.Of(change.Order, time.GetUtcNow()));
    }

    private static async Task<Results<Ok<WorkOrderView>, NotFound, ProblemHttpResult>> ChangeStatus(long id, StatusRequest body, HttpContext http, Work work, AccessScope scope, WorkOrderService orders, TimeProvider time, CancellationToken ct)
    {
        var db = work.Db;
        var order = await db.WorkOrders.SingleOrDefaultAsync(w => w.Id == id, ct);
        if (order is null)
        {
            return TypedResults.NotFound();
        }

        if (body.Note?.Length > 2000)
        {
            return Problems.Bad("note", $"a note is at most 2000 characters");
        }

        if (WorkOrderRoles.Refusal(scope, order, body.Status) is { } notYours)
        {
            return Problems.Forbidden(notYours);
        }

        List<WorkOrderChange> changes;
        if (body.Status == WorkOrderStatus.Verified)
        {
            // A person confirming closes the order, as the telemetry does.
            var (confirmed, refusal) = await orders.ConfirmAsync(db, order, Actor.Of(http), WorkOrderRoles.VerificationBy(scope)!.Value, body.Note, ct);
            if (confirmed is null)
            {
                return Problems.Conflict(refusal!);
            }

            changes = confirmed;
        }
        else
        {
            if (order.Status == WorkOrderStatus.Fixed && body.Status == WorkOrderStatus.InProgress && !scope.IsPartyRole && string.IsNullOrWhiteSpace(body.Note))
            {
                return Problems.Bad("note", $"sending a repair back needs a note: what is still wrong");
            }

            var (change, refusal) = orders.Transition(db, order, body.Status, Actor.Of(http), body.Note, body.Assignee);
            if (change is null)
            {
                return Problems.Conflict(refusal!);
            }

            changes = [change];
        }

        await work.RaiseAsync(new OrdersChanged(changes), ct);
        try
        {
            await work.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict($"work order {id} was changed by someone else meanwhile; reload it and try again");
        }

        return TypedResults.Ok(WorkOrderView.Of(order, time.GetUtcNow()));
    }

    private static async Task<Results<Ok<CommentView>, NotFound, ProblemHttpResult>> AddComment(long id, CommentRequest body, HttpContext http, Work work, WorkOrderService orders, CancellationToken ct)
    {
        var db = work.Db;
        var order = await db.WorkOrders.SingleOrDefaultAsync(w => w.Id == id, ct);
        if (order is null)
        {
            return TypedResults.NotFound();
        }

        if (string.IsNullOrWhiteSpace(body.Text) || body.Text.Length > 2000)
        {
            return Problems.Bad("text", $"a comment has 1 to 2000 characters");
        }

        var change = orders.Comment(db, order, Actor.Of(http), body.Text);
        await work.RaiseAsync(new OrdersChanged([change]), ct);
        await work.SaveAsync(ct);
        var comment = await db.WorkOrderComments.AsNoTracking().Where(c => c.WorkOrderId == id).OrderByDescending(c => c.Id).FirstAsync(ct);
        return TypedResults.Ok(new CommentView(comment.Id, comment.At, comment.By, comment.Text));
    }

    private static async Task<Results<Ok<PhotoView>, NotFound, ProblemHttpResult>> AddPhoto(long id, IFormFile photo, HttpContext http, CloudDb db, TimeProvider time, CancellationToken ct)
    {
        var order = await db.WorkOrders.SingleOrDefaultAsync(w => w.Id == id, ct);
        if (order is null)
        {
            return TypedResults.NotFound();
        }

        var (reduced, problem) = await Photos.ReadAsync(photo, ct);
        if (reduced is null)
        {
            return Problems.Bad("photo", problem!);
        }

        var attachment = Photos.Attach(db, id, reduced, photo.FileName, Actor.Of(http), time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new PhotoView(attachment.Id, attachment.At, attachment.By, attachment.ContentType, attachment.FileName, reduced.Jpeg.Length));
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> GetPhoto(long id, long photo, CloudDb db, CancellationToken ct)
    {
        var attachment = await db.WorkOrderAttachments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == photo && a.WorkOrderId == id, ct);
        return attachment is null ? TypedResults.NotFound() : TypedResults.File(attachment.Content, attachment.ContentType, attachment.FileName);
    }
}

public sealed record CreateWorkOrderRequest(string Courtyard, string Fault, string Title, string? Description = null, string? Target = null, string? Subject = null, Severity? Severity = null);

public sealed record StatusRequest(WorkOrderStatus Status, string? Note = null, string? Assignee = null);

public sealed record CommentRequest(string Text);

public sealed record CommentView(long Id, DateTimeOffset At, string By, string Text);

public sealed record PhotoView(long Id, DateTimeOffset At, string By, string ContentType, string FileName, int Bytes);

public sealed record AuditView(DateTimeOffset At, string Actor, string Action, string? Detail);

/// <summary>
/// A work order with its alerts, comments, photos, audit trail and the moves its status allows; <c>ReporterPhone</c>
/// is the resident's call-back number, for the responsible party's staff only (see <see cref="WorkOrders.ReporterPhone"/>).
/// </summary>
public sealed record WorkOrderDetail(WorkOrderView Order, IReadOnlyList<AlertView> Alerts, IReadOnlyList<CommentView> Comments, IReadOnlyList<PhotoView> Photos, IReadOnlyList<AuditView> Audit, IReadOnlyList<WorkOrderStatus> NextStatuses, string? ReporterPhone);
