using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.WorkOrders;

namespace Iot.Cloud.Notifications;

/// <summary>
/// The notifications' stage, the one place changes are told: messages worth sending are queued for webhooks in the
/// same transaction as the changes; once it commits, every change goes to the live feed (alerts first, then orders,
/// each in order) and the webhook sender is woken when there is something to send.
/// </summary>
public sealed class NotificationStage(ChangeNotifier notifier, WebhookDispatcher webhooks) : IHandles<AlertsChanged>, IHandles<OrdersChanged>
{
    /// <inheritdoc />
    public Task HandleAsync(AlertsChanged e, Work work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(work);
        notifier.Queue(work.Db, e.Changes, []);
        Told(work).Alerts.AddRange(e.Changes);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task HandleAsync(OrdersChanged e, Work work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(work);
        var closed = e.ClosedAlerts ?? [];
        notifier.Queue(work.Db, closed, e.Changes);
        var told = Told(work);
        told.Alerts.AddRange(closed);
        told.Orders.AddRange(e.Changes);
        return Task.CompletedTask;
    }

    private Batch Told(Work work) => work.Item(() =>
    {
        var batch = new Batch();
        work.AfterCommit(() =>
        {
            notifier.Publish(batch.Alerts, batch.Orders);
            if (batch.Alerts.Any(c => c.Notify) || batch.Orders.Any(c => c.Notify))
            {
                webhooks.Wake();
            }
        });
        return batch;
    });

    private sealed class Batch
    {
        public List<AlertChange> Alerts { get; } = [];

        public List<WorkOrderChange> Orders { get; } = [];
    }
}
