using System.Text;
using Iot.Protocol.Sites;
using Iot.Protocol.Topics;

namespace Iot.Edge.Provisioning;

/// <summary>
/// <see cref="BrokerAcl"/>'s rules for EMQX 5: its file authorizer's <c>acl.conf</c>, Erlang tuples
/// <c>{allow, {user, "name"}, publish | subscribe, ["topic", ...]}.</c> matched top to bottom, first match wins, ending
/// with <c>{deny, all}.</c> (https://docs.emqx.com/en/emqx/latest/access-control/authz/file.html, "ACL File Format").
/// Two differences from Mosquitto's ACL, both from how EMQX checks:
/// <list type="bullet">
/// <item>EMQX checks a subscription's filter once, at SUBSCRIBE, not each message delivered. The cloud subscribes to
/// <c>estate/v1/+/+/+/{channel}</c> (every site), so that is the filter it is allowed; one provisioning is one site and
/// only this site's agents can publish here, so it reads no more than Mosquitto's per-site rule lets it.</item>
/// <item>A shared subscription <c>$share/{group}/{filter}</c> is checked as <c>{filter}</c>, as Mosquitto does
/// (emqx_channel authorizes emqx_topic:get_shared_real_topic; github.com/emqx/emqx-docs pull 3884).</item>
/// </list>
/// Topics carry no placeholder (<c>${...}</c>) and no wildcard but the cloud's <c>+</c>: identifiers are slugs.
/// </summary>
public static class EmqxAcl
{
    /// <summary>The acl.conf text.</summary>
    public static string For(Site site, int cloudInstances)
    {
        ArgumentNullException.ThrowIfNull(site);
        var siteId = site.Manifest.Id;
        var acl = new StringBuilder();
        acl.Append($"%% EMQX authorization rules (file source) for site {siteId}, made by `iot-edge provision broker` from its manifests,\n");
        acl.Append("%% the same as broker/acl for Mosquitto. Do not edit: provision again. Whatever is not allowed here is denied.\n\n");

        acl.Append("%% The health account: the broker's uptime, read only.\n");
        Rule(acl, BrokerAccounts.Health, "subscribe", ["$SYS/brokers/+/uptime"]);
        acl.Append('\n');

        for (var instance = 1; instance <= cloudInstances; instance++)
        {
            acl.Append($"%% Cloud instance {instance}: every agent's uplink but events; the config, commands and watermarks it sends them. Its event session: the events.\n");
            Rule(acl, BrokerAccounts.Cloud(instance), "subscribe", BrokerAcl.Uplink.Where(c => c != Channel.Events).Select(c => AgentTopic.Filter(c)));
            Rule(acl, BrokerAccounts.Cloud(instance), "publish", BrokerAcl.Downlink.Select(c => AgentTopic.Filter(c, siteId)));
            Rule(acl, BrokerAccounts.CloudEvents(instance), "subscribe", [AgentTopic.Filter(Channel.Events)]);
            acl.Append('\n');
        }

        foreach (var (courtyard, agent) in site.Agents)
        {
            acl.Append($"%% {agent.Id} in {courtyard.Id}: publishes under its own id only, reads its own config, commands and watermark.\n");
            Rule(acl, agent.Id.Value, "publish", BrokerAcl.Uplink.Select(c => new AgentTopic(siteId, courtyard.Id, agent.Id, c).ToString()));
            Rule(acl, agent.Id.Value, "subscribe", BrokerAcl.Downlink.Select(c => new AgentTopic(siteId, courtyard.Id, agent.Id, c).ToString()));
        }

        acl.Append("\n%% Everything else, anyone: denied.\n{deny, all}.\n");
        return acl.ToString();
    }

    private static void Rule(StringBuilder acl, string user, string action, IEnumerable<string> topics) =>
        acl.Append($"{{allow, {{user, {Quoted(user)}}}, {action}, [{string.Join(", ", topics.Select(Quoted))}]}}.\n");

    // An Erlang string. Names and topics are slugs, so this only guards against a future change letting a quote in.
    private static string Quoted(string value) =>
        value.Contains('"', StringComparison.Ordinal) || value.Contains('\\', StringComparison.Ordinal) || value.Contains("${", StringComparison.Ordinal)
            ? throw new ArgumentException($"'{value}' cannot be written into EMQX's acl.conf", nameof(value))
            : $"\"{value}\"";
}
