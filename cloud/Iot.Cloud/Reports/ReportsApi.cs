using Iot.Cloud.Api;
using Iot.Cloud.Data;
using Iot.Cloud.Notifications;
using Iot.Cloud.Rules;
using Iot.Cloud.WorkOrders;
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
        api.MapPost("/", Report).LimitPerCourtyard();
        api.MapGet("/{code}", Track);
        api.MapPost("/{code}/photo", AddPhoto).TakesOnePhoto().DisableAntiforgery();
        return app;
    }

    internal static async Task<Results<Created<ReportReceipt>, ProblemHttpResult>> Report(ReportRequest body, CloudDb db, WorkOrderService orders, ChangeNotifier notifier, CancellationToken ct)
    {
        if (body.Category is null || !Categories.TryGetValue(body.Category, out var category))
        {
            return Problems.Bad("category", $"category is one of {string.Join(", ", Categories.Keys)}");
        }

        if (!await db.Courtyards.AnyAsync(c => c.Id == body.Courtyard, ct))
        {
            return Problems.Bad("courtyard", $"unknown courtyard '{body.Courtyard}'");
        }

        if (body.Text?.Length > 500)
        {
            return Problems.Bad("text", "the description is at most 500 characters");
        }

        if (body.Phone is { Length: > 0 } phone && (phone.Length > 20 || !phone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ')))
        {
            return Problems.Bad("phone", "a phone number has digits, spaces, + and - only (at most 20)");
        }

        var change = await orders.CreateAsync(db, WorkOrderSource.Resident, body.Courtyard!, category.Target, null, category.Fault, category.Severity, category.Title, body.Text, "resident", body.Phone, ct);
        notifier.Queue(db, [], [change]);
        await db.SaveChangesAsync(ct);
        notifier.Publish([], [change]);
        return TypedResults.Created($"/api/reports/{change.Order.TrackingCode}", new ReportReceipt(change.Order.TrackingCode!, change.Order.Number));
    }

    internal static async Task<Results<Ok<ReportStatus>, NotFound>> Track(string code, CloudDb db, CancellationToken ct)
    {
        var order = await db.WorkOrders.AsNoTracking().SingleOrDefaultAsync(w => w.TrackingCode == code, ct);
        if (order is null)
        {
            return TypedResults.NotFound();
        }

        var courtyard = await db.Courtyards.AsNoTracking().Where(c => c.Id == order.CourtyardId).Select(c => c.Name).SingleAsync(ct);
        var (zh, en) = PlainWords(order);
        return TypedResults.Ok(new ReportStatus(code, order.Number, courtyard, order.Title, order.Status, zh, en, order.CreatedAt, order.FixedAt, order.ClosedAt ?? order.CancelledAt));
    }

    internal static async Task<Results<Ok, NotFound, ProblemHttpResult>> AddPhoto(string code, IFormFile photo, CloudDb db, TimeProvider time, CancellationToken ct)
    {
        var order = await db.WorkOrders.SingleOrDefaultAsync(w => w.TrackingCode == code, ct);
        if (order is null)
        {
            return TypedResults.NotFound();
        }

        if (await db.WorkOrderAttachments.CountAsync(a => a.WorkOrderId == order.Id && a.By == "resident", ct) >= 3)
        {
            return Problems.Conflict("at most three photos per report");
        }

        var (content, type, problem) = await Photos.ReadAsync(photo, WorkOrdersApi.MaxPhotoBytes, ct);
        if (problem is not null)
        {
            return Problems.Bad("photo", problem);
        }

        db.WorkOrderAttachments.Add(new WorkOrderAttachment { WorkOrderId = order.Id, At = time.GetUtcNow(), By = "resident", ContentType = type!, FileName = Photos.SafeName(photo.FileName, type!), Content = content! });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok();
    }

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

public sealed record ReportRequest(string? Courtyard, string? Category, string? Text = null, string? Phone = null);

public sealed record ReportReceipt(string TrackingCode, string Number);

public sealed record ReportStatus(string TrackingCode, string Number, string Courtyard, string Title, WorkOrderStatus Status, string StatusChinese, string StatusEnglish, DateTimeOffset ReportedAt, DateTimeOffset? FixedAt, DateTimeOffset? FinishedAt);
