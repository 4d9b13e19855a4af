using System.Text.Json;
using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Notifications.Settings;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Notifications;

/// <summary>
/// Tells people about changes: every alert and work-order change goes to the live feed once saved; those worth a
/// message are queued in the outbox, one row per channel that should carry it (<see cref="Routing"/>), in the same
/// transaction as the change. An order escalated to the community also goes to that community's residents' committee,
/// and a recovery (已恢复) follows any alert that was sent.
/// </summary>
public sealed class ChangeNotifier(LiveFeed feed, SiteRegistry registry, ChannelDirectory directory, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Queues messages for changes that deserve one (call before saving).</summary>
    public async Task QueueAsync(CloudDb db, IEnumerable<AlertChange> alerts, IEnumerable<WorkOrderChange> orders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = time.GetUtcNow();

        // Read once per unit of work, and only when something is sent: the page's channels count from the next message.
        ChannelSet? channels = null;
        async Task<ChannelSet> Channels() => channels ??= await directory.LoadAsync(db, secrets: false, cancellationToken);
        foreach (var change in alerts)
        {
            var alert = change.Alert;
            var courtyard = CourtyardName(alert.CourtyardId);
            if (change.Notify)
            {
                var kind = $"alert.{change.Name}";
                Add(db, await Channels(), PartyOf(alert.CourtyardId), new Outgoing(kind, alert.Severity, alert.Id, null, Body(kind, courtyard, AlertView.Of(alert), "alert"),
                    MessageText.Alert(alert, courtyard, change.Kind), MessageText.SmsParams(courtyard, alert.Title, null, change.Kind.ToString())), now);
            }
            else if (change.Kind == AlertChangeKind.Cleared && await WasSentAsync(db, alert.Id, cancellationToken))
            {
                const string kind = "alert.recovered";
                Add(db, await Channels(), PartyOf(alert.CourtyardId), new Outgoing(kind, alert.Severity, alert.Id, null, Body(kind, courtyard, AlertView.Of(alert), "alert"),
                    MessageText.Recovered(alert, courtyard), MessageText.SmsParams(courtyard, alert.Title, null, "已恢复")), now);
            }
        }

        foreach (var change in orders.Where(c => c.Notify))
        {
            var order = change.Order;
            var courtyard = CourtyardName(order.CourtyardId);
            var kind = $"workOrder.{change.Name}";
            var outgoing = new Outgoing(kind, order.Severity, null, order.Id, Body(kind, courtyard, WorkOrderView.Of(order, now), "workOrder"),
                MessageText.Order(order, courtyard, change.Kind), MessageText.SmsParams(courtyard, order.Title, order.Number, change.Kind.ToString()));
            Add(db, await Channels(), order.PartyId, outgoing with { Supervisor = change.Kind == WorkOrderChangeKind.Escalated }, now);
            if (change.Kind == WorkOrderChangeKind.Escalated && order.EscalationLevel >= 2 && CommitteeOf(order.CourtyardId) is { } committee && committee != order.PartyId)
            {
                Add(db, await Channels(), committee, outgoing, now);
            }
        }
    }

    /// <summary>Pushes saved changes to connected consoles.</summary>
    public void Publish(IEnumerable<AlertChange> alerts, IEnumerable<WorkOrderChange> orders)
    {
        var now = time.GetUtcNow();
        foreach (var change in alerts)
        {
            feed.Publish(new LiveEvent("alert", change.Name, change.Alert.Id, change.Alert.CourtyardId, PartyOf(change.Alert.CourtyardId), JsonSerializer.SerializeToElement(AlertView.Of(change.Alert), Json)));
        }

        foreach (var change in orders)
        {
            feed.Publish(new LiveEvent("workOrder", change.Name, change.Order.Id, change.Order.CourtyardId, change.Order.PartyId, JsonSerializer.SerializeToElement(WorkOrderView.Of(change.Order, now), Json)));
        }
    }

    /// <summary>Queues a test message on one channel (the settings page's button).</summary>
    public async Task<Notification?> QueueTestAsync(CloudDb db, string channelName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var set = await directory.LoadAsync(db, secrets: false, cancellationToken);
        if (set.Channels.FirstOrDefault(c => c.Name == channelName) is not { Channel: var channel, Name: var name })
        {
            return null;
        }

        var now = time.GetUtcNow();
        var n = Row(set, name, channel, channel.Party, new Outgoing("test", Kernel.Severity.Critical, null, null, JsonSerializer.Serialize(new { kind = "test" }, Json),
            "**测试消息 / Test message**\n> 通知渠道已接通 / The channel works.", MessageText.SmsParams("测试", "测试消息", null, "test")), now);
        db.Notifications.Add(n);
        return n;
    }

    private static string Body(string kind, string courtyard, object view, string field) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["kind"] = kind, ["courtyard"] = courtyard, [field] = view }, Json);

    private static async Task<bool> WasSentAsync(CloudDb db, long alertId, CancellationToken cancellationToken) =>
        db.ChangeTracker.Entries<Notification>().Any(e => e.Entity.AlertId == alertId && e.State == EntityState.Added)
        || await db.Notifications.AnyAsync(n => n.AlertId == alertId && n.Kind != "alert.recovered", cancellationToken);

    private static void Add(CloudDb db, ChannelSet channels, string party, Outgoing outgoing, DateTimeOffset now)
    {
        foreach (var c in channels.Channels.Where(c => c.Channel.Party == party && Routing.Carries(c.Channel, outgoing.Kind, outgoing.Severity)))
        {
            db.Notifications.Add(Row(channels, c.Name, c.Channel, party, outgoing, now));
        }
    }

    private static Notification Row(ChannelSet channels, string name, ChannelOptions channel, string party, Outgoing outgoing, DateTimeOffset now) => new()
    {
        MessageId = Guid.NewGuid(),
        PartyId = party,
        Channel = name,
        ChannelKind = channel.Kind,
        Recipient = Routing.Recipient(channel, channels.Rota(party), outgoing.Severity, outgoing.Supervisor, now),
        Kind = outgoing.Kind,
        Severity = outgoing.Severity,
        AlertId = outgoing.AlertId,
        WorkOrderId = outgoing.WorkOrderId,
        Body = outgoing.Body,
        Text = outgoing.Text,
        TemplateParams = outgoing.SmsParams,
        CreatedAt = now,
        NextAttemptAt = outgoing.Kind == "test" ? now : Routing.SendAt(channel, outgoing.Severity, now),
    };

    private string PartyOf(CourtyardId courtyard) =>
        registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id == courtyard).Courtyard?.Responsible?.Value ?? "unknown";

    private string? CommitteeOf(CourtyardId courtyard) =>
        registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id == courtyard).Community?.ResidentsCommittee.Value;

    private string CourtyardName(CourtyardId courtyard) =>
        registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id == courtyard).Courtyard?.Name ?? courtyard.Value;

    /// <summary>One message before it is fanned out to the party's channels.</summary>
    private sealed record Outgoing(string Kind, Kernel.Severity Severity, long? AlertId, long? WorkOrderId, string Body, string Text, string SmsParams)
    {
        /// <summary>An escalation: mention the party's supervisor rather than the on-duty person.</summary>
        public bool Supervisor { get; init; }
    }
}
