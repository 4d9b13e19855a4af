using Iot.Cloud.Alerts;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Notifications.Channels;
using Iot.Cloud.WorkOrders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Notifications;

/// <summary>
/// The delivery log of a work order (<c>GET /api/work-orders/{id}/deliveries</c>), the channels a supervisor may see
/// (never their secrets), and the "send a test message" button's endpoint.
/// </summary>
public static class DeliveriesApi
{
    public static IEndpointRouteBuilder MapDeliveriesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/work-orders/{id:long}/deliveries", Deliveries).WithTags("Work orders").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Staff).ForWorkOrder();
        var channels = app.MapGroup("/api/notifications/channels").WithTags("Notifications").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Maintenance);
        channels.MapGet("/", Channels);
        channels.MapPost("/{name}/test", Test);
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

    private static Ok<List<ChannelView>> Channels(AccessScope scope, IOptions<WebhookOptions> options) =>
        TypedResults.Ok(options.Value.AllChannels().Where(c => MayManage(scope, c.Channel)).Select(c => ChannelView.Of(c.Name, c.Channel, options.Value.Rota.GetValueOrDefault(c.Channel.Party))).ToList());

    private static async Task<Results<Accepted<DeliveryView>, NotFound>> Test(string name, AccessScope scope, IOptions<WebhookOptions> options, Work work, ChangeNotifier notifier, WebhookDispatcher dispatcher, CancellationToken ct)
    {
        var channel = options.Value.AllChannels().FirstOrDefault(c => c.Name == name).Channel;
        if (channel is null || !MayManage(scope, channel) || notifier.QueueTest(work.Db, name) is not { } queued)
        {
            return TypedResults.NotFound();
        }

        await work.SaveAsync(ct);
        dispatcher.Wake();
        return TypedResults.Accepted((string?)null, DeliveryView.Of(queued));
    }

    /// <summary>The street office manages every channel; a party's supervisor, the party's own.</summary>
    public static bool MayManage(AccessScope scope, ChannelOptions channel)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(channel);
        return scope.SeesEverything || (scope.Party is not null && scope.Party == channel.Party);
    }
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

/// <summary>A channel as the settings page shows it: never its secret or the key in its address.</summary>
public sealed record ChannelView(string Name, ChannelKind Kind, string Party, string? Host, bool HasSecret, string MinSeverity, IReadOnlyDictionary<string, string> Templates, string? OnDutyFallback, string? Supervisor, int Shifts)
{
    public static ChannelView Of(string name, ChannelOptions c, RotaOptions? rota)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(name, c.Kind, c.Party, c.Url?.Host, !string.IsNullOrEmpty(c.Secret), c.MinSeverity.ToString(), c.Templates,
            DeliveryView.Mask(rota?.Fallback), DeliveryView.Mask(rota?.Supervisor), rota?.Shifts.Count ?? 0);
    }
}
