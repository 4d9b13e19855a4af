using System.Text.Json;
using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.Notifications;

/// <summary>
/// Tells people about changes: every alert and work-order change goes to the live feed once saved; those worth a
/// message are queued for the responsible party's webhook (in the same transaction as the change), and a work order
/// escalated to the community is also queued for that community's residents' committee.
/// </summary>
public sealed class ChangeNotifier(LiveFeed feed, SiteRegistry registry, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Queues webhook messages for changes that deserve one (call before saving).</summary>
    public void Queue(CloudDb db, IEnumerable<AlertChange> alerts, IEnumerable<WorkOrderChange> orders)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = time.GetUtcNow();
        foreach (var change in alerts.Where(c => c.Notify))
        {
            Add(db, PartyOf(change.Alert.CourtyardId), $"alert.{change.Name}", new { kind = $"alert.{change.Name}", courtyard = CourtyardName(change.Alert.CourtyardId), alert = AlertView.Of(change.Alert) }, now);
        }

        foreach (var change in orders.Where(c => c.Notify))
        {
            var body = new { kind = $"workOrder.{change.Name}", courtyard = CourtyardName(change.Order.CourtyardId), workOrder = WorkOrderView.Of(change.Order, now) };
            Add(db, change.Order.PartyId, body.kind, body, now);
            if (change.Kind == WorkOrderChangeKind.Escalated && change.Order.EscalationLevel >= 2 && CommitteeOf(change.Order.CourtyardId) is { } committee && committee != change.Order.PartyId)
            {
                Add(db, committee, body.kind, body, now);
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

    private static void Add(CloudDb db, string party, string kind, object body, DateTimeOffset now) =>
        db.Notifications.Add(new Notification { PartyId = party, Kind = kind, Body = JsonSerializer.Serialize(body, Json), CreatedAt = now, NextAttemptAt = now });

    private string PartyOf(CourtyardId courtyard) =>
        registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id == courtyard).Courtyard?.Responsible?.Value ?? "unknown";

    private string? CommitteeOf(CourtyardId courtyard) =>
        registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id == courtyard).Community?.ResidentsCommittee.Value;

    private string CourtyardName(CourtyardId courtyard) =>
        registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id == courtyard).Courtyard?.Name ?? courtyard.Value;
}
