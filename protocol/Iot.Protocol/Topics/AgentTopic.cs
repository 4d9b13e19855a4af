using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Protocol.Topics;

/// <summary>
/// An agent's MQTT topic: <c>estate/v1/{site}/{courtyard}/{agent}/{channel}</c>, e.g.
/// <c>estate/v1/yongchang/yikang-12/yikang-12-a/telemetry</c>. The version segment carries the protocol's
/// major version, so a future major can run beside this one on the same broker. An agent's broker account
/// may publish and subscribe under its own <c>.../{agent}/#</c> only.
/// </summary>
/// <param name="Site">The site.</param>
/// <param name="Courtyard">The courtyard the agent is installed in.</param>
/// <param name="Agent">The agent.</param>
/// <param name="Channel">What travels on the topic.</param>
public readonly record struct AgentTopic(SiteId Site, CourtyardId Courtyard, AgentId Agent, Channel Channel)
{
    /// <summary>The first segment of every topic.</summary>
    public const string Root = "estate";

    /// <summary>The version segment: <c>v</c> and the protocol's major version.</summary>
    public static readonly string VersionSegment = $"v{ProtocolVersion.Current.Major}";

    /// <summary>The topic's text.</summary>
    public override string ToString() => $"{AgentPrefix(Site, Courtyard, Agent)}/{WireNames.Of(Channel)}";

    /// <summary><c>estate/v1/{site}/{courtyard}/{agent}</c>: the subtree an agent owns.</summary>
    public static string AgentPrefix(SiteId site, CourtyardId courtyard, AgentId agent) =>
        $"{Root}/{VersionSegment}/{site}/{courtyard}/{agent}";

    /// <summary>
    /// A subscription filter for <paramref name="channel"/> of every agent, or of one site:
    /// <c>estate/v1/+/+/+/telemetry</c>.
    /// </summary>
    public static string Filter(Channel channel, SiteId? site = null) =>
        $"{Root}/{VersionSegment}/{(site is { } s ? s.Value : "+")}/+/+/{WireNames.Of(channel)}";

    /// <summary>
    /// The same filter as a shared subscription (<c>$share/{group}/...</c>), so that several cloud instances
    /// split the messages between them.
    /// </summary>
    public static string SharedFilter(string group, Channel channel, SiteId? site = null) =>
        IdentifierRules.SlugProblem(group, "share group") is { } problem
            ? throw new ArgumentException(problem, nameof(group))
            : $"$share/{group}/{Filter(channel, site)}";

    /// <summary>Parses a topic or throws a <see cref="FormatException"/> with the reason.</summary>
    public static AgentTopic Parse(string topic) =>
        TryParse(topic, out var result, out var problem) ? result : throw new FormatException(problem);

    /// <summary>Parses a topic; a foreign or malformed topic gives a reason instead of an exception.</summary>
    public static bool TryParse(string? topic, out AgentTopic result, out string? problem)
    {
        result = default;
        if (string.IsNullOrEmpty(topic))
        {
            problem = "topic is empty";
            return false;
        }

        if (topic.Length > 256)
        {
            problem = $"topic is {topic.Length} characters long; at most 256 are expected";
            return false;
        }

        var parts = topic.Split('/');
        if (parts[0] != Root)
        {
            problem = $"foreign topic: it does not start with '{Root}/'";
            return false;
        }

        if (parts.Length < 2 || parts[1] != VersionSegment)
        {
            problem = parts.Length < 2
                ? "topic has no version segment"
                : $"unsupported protocol version segment '{IdentifierRules.Shorten(parts[1])}'; this reader speaks '{VersionSegment}'";
            return false;
        }

        if (parts.Length != 6)
        {
            problem = $"topic has {parts.Length} segments; expected 6: {Root}/{VersionSegment}/{{site}}/{{courtyard}}/{{agent}}/{{channel}}";
            return false;
        }

        if (!SiteId.TryParse(parts[2], out var site, out problem)
            || !CourtyardId.TryParse(parts[3], out var courtyard, out problem)
            || !AgentId.TryParse(parts[4], out var agent, out problem))
        {
            problem = $"topic: {problem}";
            return false;
        }

        if (!WireNames.TryParse<Channel>(parts[5], out var channel))
        {
            problem = $"unknown channel '{IdentifierRules.Shorten(parts[5])}'; channels are {string.Join(", ", WireNames.All<Channel>())}";
            return false;
        }

        result = new AgentTopic(site, courtyard, agent, channel);
        problem = null;
        return true;
    }
}
