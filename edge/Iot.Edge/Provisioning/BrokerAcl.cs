using System.Text;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Sites;
using Iot.Protocol.Topics;

namespace Iot.Edge.Provisioning;

/// <summary>
/// The Mosquitto ACL for a site: each agent may publish its uplink channels (telemetry, events, status, results)
/// under its own <c>estate/v1/{site}/{courtyard}/{agent}/</c> and read its own config, commands and stored watermark, nothing
/// else;
/// each cloud account reads every uplink channel of the site but events (shared subscriptions included: Mosquitto checks
/// the topic inside <c>$share/{group}/</c>) and writes config, commands and stored watermarks, and each cloud's event
/// account reads the events. Anything not granted is refused.
/// </summary>
public static class BrokerAcl
{
    /// <summary>What an agent publishes; the cloud reads them (events on its event session).</summary>
    internal static readonly Channel[] Uplink = [Channel.Telemetry, Channel.Events, Channel.Status, Channel.Results];

    /// <summary>
    /// What only the cloud publishes, and each agent reads its own of. The stored watermark above all: a forged one would
    /// make an agent delete records the cloud never stored.
    /// </summary>
    internal static readonly Channel[] Downlink = [Channel.Config, Channel.Commands, Channel.Stored];

    /// <summary>The ACL file's text.</summary>
    public static string For(Site site, int cloudInstances)
    {
        ArgumentNullException.ThrowIfNull(site);
        var siteId = site.Manifest.Id;
        var acl = new StringBuilder();
        acl.Append($"# Mosquitto ACL for site {siteId}, made by `iot-edge provision broker` from its manifests. Do not edit:\n");
        acl.Append("# provision again after changing the manifests. Whatever is not granted here is refused.\n\n");

        acl.Append("# The broker's health check: one $SYS topic, read only.\n");
        acl.Append($"user {BrokerAccounts.Health}\ntopic read $SYS/broker/uptime\n\n");

        for (var instance = 1; instance <= cloudInstances; instance++)
        {
            acl.Append($"# Cloud instance {instance}: every agent's uplink but events, and the config, commands and watermarks it sends them.\n");
            acl.Append($"user {BrokerAccounts.Cloud(instance)}\n");
            foreach (var channel in Uplink.Where(c => c != Channel.Events))
            {
                acl.Append($"topic read {AgentTopic.Filter(channel, siteId)}\n");
            }

            foreach (var channel in Downlink)
            {
                acl.Append($"topic write {AgentTopic.Filter(channel, siteId)}\n");
            }

            acl.Append($"\n# Cloud instance {instance}'s event session: every agent's events, on a session of their own.\n");
            acl.Append($"user {BrokerAccounts.CloudEvents(instance)}\ntopic read {AgentTopic.Filter(Channel.Events, siteId)}\n\n");
        }

        foreach (var (courtyard, agent) in site.Agents)
        {
            acl.Append($"# {agent.Id} in {courtyard.Id} ({courtyard.Name})\n");
            acl.Append($"user {agent.Id}\n");
            foreach (var channel in Uplink)
            {
                acl.Append($"topic write {new AgentTopic(siteId, courtyard.Id, agent.Id, channel)}\n");
            }

            foreach (var channel in Downlink)
            {
                acl.Append($"topic read {new AgentTopic(siteId, courtyard.Id, agent.Id, channel)}\n");
            }

            acl.Append('\n');
        }

        return acl.ToString();
    }

    /// <summary>The topics an agent may publish to, for messages and tests.</summary>
    public static IEnumerable<string> UplinkTopics(SiteId site, CourtyardId courtyard, AgentId agent) =>
        Uplink.Select(c => new AgentTopic(site, courtyard, agent, c).ToString());
}
