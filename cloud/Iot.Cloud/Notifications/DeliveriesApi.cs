using Iot.Cloud.Alerts;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Notifications.Channels;
using Iot.Cloud.WorkOrders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Notifications;

/// <summary>The delivery log of a work order (<c>GET /api/work-orders/{id}/deliveries</c>).</summary>
public static class DeliveriesApi
{
    public static IEndpointRouteBuilder MapDeliveriesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/work-orders/{id:long}/deliveries", Deliveries).WithTags("Work orders").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Staff).ForWorkOrder();
        return app;
    }

    /// <summary>What was sent about the order and its alerts, on which channel, to whom, how often tried, and the platform's answer.</summary>
    public static async Task<List<DeliveryView>> ForOrderAsync(CloudDb db, long orderId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var alerts = db.Alerts.Where(a => a.WorkOrderId == orderId).Select(a => (long?)a.Id);
        var rows = await db.Notifications.AsNoTracking().Where(n => n.WorkOrderId == orderId || alerts.Contains(n.AlertId)).OrderBy(n => n.Id).ToListAsync(ct);
        return rows.Select(DeliveryView.Of).ToList();
    }

    private static async Task<Ok<List<DeliveryView>>> Deliveries(long id, CloudDb db, CancellationToken ct) => TypedResults.Ok(await ForOrderAsync(db, id, ct));
}

/// <summary>One line of the delivery log.</summary>
public sealed record DeliveryView(long Id, Guid MessageId, string Channel, ChannelKind ChannelKind, string? Recipient, string Kind, int Attempts, string? Answer,
    DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? FailedAt, string Status)
{
    public static DeliveryView Of(Notification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        var status = n.DeliveredAt is not null ? "sent" : n.FailedAt is not null ? "failed" : n.Attempts > 0 ? "retrying" : "queued";
        return new(n.Id, n.MessageId, n.Channel, n.ChannelKind, Mask(n.Recipient), n.Kind, n.Attempts, n.LastResult, n.CreatedAt, n.DeliveredAt, n.FailedAt, status);
    }

    /// <summary>Mobiles shown as 138****0001: enough to tell who, not a number to copy.</summary>
    public static string? Mask(string? recipient) => recipient is null ? null
        : string.Join(',', recipient.Split(',').Select(m => m.Length == 11 && m.All(char.IsAsciiDigit) ? $"{m[..3]}****{m[7..]}" : m));
}
