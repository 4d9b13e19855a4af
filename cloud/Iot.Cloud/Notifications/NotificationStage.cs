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
    public async Task HandleAsync(AlertsChanged e, Work work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(work);
        await notifier.QueueAsync(work.Db, e.Changes, [], cancellationToken);
        Told(work).Alerts.AddRange(e.Changes);
    }

    /// <inheritdoc />
    public async Task HandleAsync(OrdersChanged e, Work work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(work);
        var closed = e.ClosedAlerts ?? [];
        await notifier.QueueAsync(work.Db, closed, e.Changes, cancellationToken);
        var told = Told(work);
        told.Alerts.AddRange(closed);
        told.Orders.AddRange(e.Changes);
    }

    private Batch Told(Work work) => work.Item(() =>
    {
        var batch = new Batch();
        work.AfterCommit(() =>
        {
            notifier.Publish(batch.Alerts, batch.Orders);
            if (work.Db.ChangeTracker.Entries<Notification>().Any() || batch.Alerts.Count > 0 || batch.Orders.Any(c => c.Notify))
            {
                // Whichever API or rule made the change, its messages go now, not at the next poll.
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
