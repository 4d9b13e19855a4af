using System.Text.Json;
using System.Threading.Channels;
using Iot.Cloud.Data;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.Notifications;

/// <summary>One change pushed to connected consoles.</summary>
/// <param name="Type"><c>alert</c> or <c>workOrder</c>.</param>
/// <param name="Kind">What happened (<c>raised</c>, <c>cleared</c>, <c>created</c>, <c>status</c>, ...).</param>
/// <param name="Id">The alert's or order's id.</param>
/// <param name="CourtyardId">Where, so each subscriber sees only what it may.</param>
/// <param name="PartyId">Who answers for that courtyard.</param>
/// <param name="Data">The alert or order as the API shows it.</param>
public sealed record LiveEvent(string Type, string Kind, long Id, CourtyardId CourtyardId, string PartyId, JsonElement Data);

/// <summary>
/// Broadcasts alert and work-order changes to connected staff consoles (server-sent events at <c>/api/live</c>).
/// Each subscriber has a small bounded queue; a slow one loses the oldest events rather than slowing anyone down,
/// and reloads from the API when it reconnects. A change published here also goes to the consoles of the other
/// instances on the same PostgreSQL database (<see cref="InstanceBus"/>), so a console sees every instance's changes.
/// </summary>
public sealed class LiveFeed
{
    private const string Topic = "live";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _gate = new();
    private readonly List<Channel<LiveEvent>> _subscribers = [];
    private readonly InstanceBus? _bus;

    /// <summary>A feed for this process alone (tests of one instance).</summary>
    public LiveFeed()
    {
    }

    /// <summary>A feed shared with the other instances through <paramref name="bus"/>.</summary>
    public LiveFeed(InstanceBus bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        _bus = bus;
        bus.On(Topic, payload =>
        {
            if (JsonSerializer.Deserialize<LiveEvent>(payload, Json) is { } change)
            {
                PublishHere(change);
            }
        });
    }

    /// <summary>Connected subscribers.</summary>
    public int Subscribers
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Tells this instance's consoles, and the other instances'.</summary>
    public void Publish(LiveEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        PublishHere(change);
        _bus?.Publish(Topic, JsonSerializer.Serialize(change, Json));
    }

    private void PublishHere(LiveEvent change)
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(change);
            }
        }
    }

    /// <summary>
    /// Subscribes at once: every change published after this call is in the subscription's queue, so a caller that
    /// subscribes before it tells its client "connected" never loses a change the client could expect. Dispose to leave.
    /// </summary>
    public LiveSubscription Subscribe()
    {
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        return new LiveSubscription(channel.Reader, () =>
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        });
    }
}
