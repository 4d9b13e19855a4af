using Iot.Protocol.Identifiers;
using Iot.Protocol.Sites;
using Iot.Protocol.Topics;

namespace Iot.Edge.Agent;

/// <summary>Where an agent stands in its site: everything its topics and its lamp schedule need.</summary>
/// <param name="Site">The site.</param>
/// <param name="Courtyard">Its courtyard.</param>
/// <param name="Agent">Its id.</param>
/// <param name="Location">The site's position (sunrise and sunset).</param>
public sealed record AgentIdentity(SiteId Site, CourtyardId Courtyard, AgentId Agent, GeoPoint Location)
{
    /// <summary>The agent's topic on <paramref name="channel"/>.</summary>
    public string Topic(Channel channel) => new AgentTopic(Site, Courtyard, Agent, channel).ToString();
}
