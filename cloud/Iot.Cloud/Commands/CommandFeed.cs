using System.Text.Json;
using Iot.Cloud.Notifications;
using Iot.Cloud.Sites;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Commands;

/// <summary>
/// Puts commands on the live feed (<c>event: command</c>, kind = the state) whenever their state changes as this
/// instance sees it: when issued, and when <see cref="CommandWatcher"/> finds an answer or the time for one run out.
/// Subscribers see a command when its courtyard is in their scope.
/// </summary>
public sealed class CommandFeed(LiveFeed feed, SiteRegistry registry)
{
    /// <summary>The event type on <c>/api/live</c>.</summary>
    public const string EventType = "command";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<long, CommandState> _announced = [];
    private readonly Lock _gate = new();

    /// <summary>Announces <paramref name="command"/> in its current state.</summary>
    public void Announce(CommandView command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_gate)
        {
            _announced[command.Id] = command.State;
        }

        var party = registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id == command.Courtyard).Courtyard?.Responsible?.Value ?? "unknown";
        feed.Publish(new LiveEvent(EventType, WireNames.Of(command.State), command.Id, command.Courtyard, party, JsonSerializer.SerializeToElement(command, Json)));
    }

    /// <summary>Announces those of <paramref name="recent"/> whose state is not the one last announced, and forgets older ones.</summary>
    public void AnnounceChanges(IReadOnlyCollection<CommandView> recent)
    {
        ArgumentNullException.ThrowIfNull(recent);
        List<CommandView> changed;
        lock (_gate)
        {
            changed = recent.Where(c => !_announced.TryGetValue(c.Id, out var state) || state != c.State).ToList();
            var keep = recent.Select(c => c.Id).ToHashSet();
            foreach (var gone in _announced.Keys.Where(id => !keep.Contains(id)).ToList())
            {
                _announced.Remove(gone);
            }
        }

        foreach (var command in changed)
        {
            Announce(command);
        }
    }
}
