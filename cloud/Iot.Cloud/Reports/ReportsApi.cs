using Iot.Cloud.Api;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Reports;

/// <summary>
/// Faults reported by residents (no account): each becomes a work order routed like any other, and the resident gets a
/// tracking code and a status in plain words. No personal data comes back out.
/// </summary>
public static class ReportsApi
{
    private static readonly Dictionary<string, (string Target, string Fault, Severity Severity, string Title)> Categories = new()
    {
        ["lamp"] = ("streetlight", "reported-lamp", Severity.Major, "居民报修：路灯"),
        ["gate"] = ("gate", "reported-gate", Severity.Major, "居民报修：门禁"),
        ["drain"] = ("drain", "reported-drain", Severity.Major, "居民报修：排水"),
        ["charger"] = ("charger", "reported-charger", Severity.Critical, "居民报修：充电桩"),
        ["other"] = ("other", "reported-other", Severity.Minor, "居民报修：其他"),
    };

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        // Residents have no account: open to all, limited per client and per courtyard.
        var api = app.MapGroup("/api/reports").WithTags("Resident reports").ProducesProblem(StatusCodes.Status400BadRequest).AllowAnonymous().RequireRateLimiting(ReportLimits.Policy);
        // Counted after the key is looked up, so that a resend of a report already made is answered, not refused.
        api.MapPost("/", Report).WithMetadata(new LimitsReportsItselfAttribute());
        api.MapGet("/{code}", Track);
        api.MapPost("/{code}/photo", AddPhoto).DisableAntiforgery()
            .TakesOnePhoto();
        return app;
    }

    internal static async Task<Results<Created<ReportReceipt>, Ok<ReportReceipt>, ProblemHttpResult>> Report(ReportRequest body, HttpContext http, CloudDb db, Work work, WorkOrderService orders, ReportLimits limits, CancellationToken ct)
    {
        if (body.Category is null || !Categories.TryGetValue(body.Category, out var category))
        {
            return Problems.Bad("category", $"category is one of {string.Join(", ", Categories.Keys)}");
        }

        if (!CourtyardId.TryParse(body.Courtyard, out var courtyard, out _) || !await db.Courtyards.AnyAsync(c => c.Id == courtyard, ct))
        {
            return Problems.Bad("courtyard", $"unknown courtyard '{body.Courtyard}'");
        }

        if (body.Text?.Length > 500)
        {
            return Problems.Bad("text", $"the description is at most 500 characters");
        }

        if (body.Phone is { Length: > 0 } phone && !IsPhone(phone))
        {
            return Problems.Bad("phone", $"a phone number has digits, spaces, + and - only (at most 20)");
        }

        if (body.Key is not null && !ReportKeys.IsValid(body.Key))
        {
            return Problems.Bad("key", $"a report key has 16 to 64 letters, digits, - and _");
        }

        // The same form sent again (a double tap, the phone's queue resending after a lost answer): the first report's receipt.
        if (await ReceiptForKeyAsync(db, body.Key, ct) is { } earlier)
        {
            return TypedResults.Ok(earlier);
        }

        if (!limits.TryTakeClient(Auth.AuthSetup.ClientKey(http)))
        {
            return ReportLimits.TooMany($"this address has sent many reports in the last hour. Please try again later.");
        }

        if (!limits.TryTake(courtyard.Value))
        {
            return ReportLimits.TooMany($"this courtyard has had many reports in the last hour. Please try again later.");
        }

        var (receipt, isNew) = await SaveAsync(body, work, orders, ct);
        return isNew ? TypedResults.Created($"/api/reports/{receipt.TrackingCode}", receipt) : TypedResults.Ok(receipt);
    }

    /// <summary>
    /// Makes the work order of a report already checked and counted against the limits; <c>IsNew</c> is false when the
    /// same key arrived at the same moment and the other request saved first (its receipt is answered).
    /// </summary>
    public static async Task<(ReportReceipt Receipt, bool IsNew)> SaveAsync(ReportRequest body, Work work, WorkOrderService orders, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(orders);
        var db = work.Db;
        var category = Categories[body.Category!];
        WorkOrderChange change;
        try
        {
            change = await orders.CreateAsync(db, WorkOrderSource.Resident, CourtyardId.Parse(body.Courtyard!), category.Target, null, category.Fault, category.Severity, category.Title, body.Text, "resident", body.Phone, body.Key, ct);
        }
        catch (DbUpdateException) when (body.Key is not null)
        {
            // The unique index on the key: the other request's receipt.
            db.ChangeTracker.Clear();
            return await ReceiptForKeyAsync(db, body.Key, ct) is { } other ? (other, false) : throw new InvalidOperationException("a report key clashed with no saved report");
        }

        await work.RaiseAsync(new OrdersChanged([change]), ct);
        await work.SaveAsync(ct);
        return (new ReportReceipt(change.Order.TrackingCode!, change.Order.Number), true);
    }

    /// <summary>Digits, spaces, + and - only, at most 20 characters.</summary>
    public static bool IsPhone(string phone) =>
        phone.Length <= 20 && phone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ');

    internal static async Task<Results<Ok<ReportStatus>, NotFound>> Track(string code, CloudDb db, CancellationToken ct)
    {
        var order = await db.WorkOrders.AsNoTracking().SingleOrDefaultAsync(w => w.TrackingCode == code, ct);
        if (order is null)
        {
            return TypedResults.NotFound();
        }

        var courtyard = await db.Courtyards.AsNoTracking().Where(c => c.Id == order.CourtyardId).Select(c => c.Name).SingleAsync(ct);
        var party = await db.Parties.AsNoTracking().Where(p => p.Id == order.PartyId).Select(p => new { p.Name, p.Phone }).SingleOrDefaultAsync(ct);
        var (zh, en) = PlainWords(order);
        return TypedResults.Ok(new ReportStatus(
            code, order.Number, courtyard, order.Title, order.Status, zh, en, order.CreatedAt, order.FixedAt, order.ClosedAt ?? order.CancelledAt,
            order.Status is WorkOrderStatus.New or WorkOrderStatus.Assigned or WorkOrderStatus.InProgress or WorkOrderStatus.WaitingForParts ? order.FixDueAt : null,
            party?.Name ?? order.PartyId, party?.Phone));
    }

    internal static async Task<Results<Ok, NotFound, ProblemHttpResult>> AddPhoto(string code, IFormFile photo, CloudDb db, TimeProvider time, CancellationToken ct)
    {
        var order = await db.WorkOrders.SingleOrDefaultAsync(w => w.TrackingCode == code, ct);
        if (order is null)
        {
            return TypedResults.NotFound();
        }

        if (await db.WorkOrderAttachments.CountAsync(a => a.WorkOrderId == order.Id && a.By == "resident", ct) >= MaxPhotos)
        {
            return Problems.Conflict($"at most three photos per report");
        }

        // A large phone photo is reduced, not refused; only what is not a usable picture is.
        var (reduced, problem) = await Photos.ReadAsync(photo, ct);
        if (reduced is null)
        {
            return Problems.Bad("photo", problem!);
        }

        Photos.Attach(db, order.Id, reduced, photo.FileName, "resident", time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok();
    }

    /// <summary>Photos a resident may attach to one report.</summary>
    public const int MaxPhotos = 3;

    internal static async Task<ReportReceipt?> ReceiptForKeyAsync(CloudDb db, string? key, CancellationToken ct) =>
        key is null ? null : await db.WorkOrders.AsNoTracking().Where(w => w.ReportKey == key).Select(w => new ReportReceipt(w.TrackingCode!, w.Number)).SingleOrDefaultAsync(ct);

    /// <summary>The status as a resident should read it, in Chinese and English.</summary>
    public static (string Chinese, string English) PlainWords(WorkOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.Status switch
        {
            WorkOrderStatus.New => ("已收到，等待安排维修", "Received; waiting to be scheduled"),
            WorkOrderStatus.Assigned => ("已派给维修人员", "Assigned to a repair worker"),
            WorkOrderStatus.InProgress => ("正在维修", "Being repaired"),
            WorkOrderStatus.WaitingForParts => ("正在等待配件", "Waiting for parts"),
            WorkOrderStatus.Fixed => ("已修好，正在确认", "Repaired; being checked"),
            WorkOrderStatus.Verified or WorkOrderStatus.Closed => ("已完成", "Done"),
            WorkOrderStatus.Cancelled => ($"已取消：{order.CancelReason}", $"Cancelled: {order.CancelReason}"),
            _ => ("处理中", "In hand"),
        };
    }
}

/// <summary>A resident's report. <c>Key</c> is optional, of the sender's choosing (16 to 64 letters, digits, - and _): the same key sent again answers with the first report's receipt.</summary>
public sealed record ReportRequest(string? Courtyard, string? Category, string? Text = null, string? Phone = null, string? Key = null);

public sealed record ReportReceipt(string TrackingCode, string Number);

/// <summary>
/// A report as its resident may see it. <c>ExpectedBy</c>: while the repair is still to come, when it is due by the
/// responsible party's service level. <c>Responsible</c> and <c>ResponsiblePhone</c>: the party and its published duty phone.
/// </summary>
public sealed record ReportStatus(
    string TrackingCode, string Number, string Courtyard, string Title, WorkOrderStatus Status, string StatusChinese, string StatusEnglish,
    DateTimeOffset ReportedAt, DateTimeOffset? FixedAt, DateTimeOffset? FinishedAt, DateTimeOffset? ExpectedBy, string Responsible, string? ResponsiblePhone);
