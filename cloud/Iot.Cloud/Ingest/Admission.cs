using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Ingest;

/// <summary>A message that passed <see cref="Admission"/>, with the agent it belongs to.</summary>
/// <param name="Incoming">As it arrived.</param>
/// <param name="Message">Parsed.</param>
/// <param name="Agent">Its registered agent.</param>
internal sealed record Accepted(IncomingMessage Incoming, IUplinkMessage Message, RegisteredAgent Agent);

/// <summary>
/// The checks every message passes before it is stored, in either lane (telemetry or events): a topic that parses, a
/// registered agent within its budget (<see cref="AgentBudget"/>, shared by both lanes), a payload that validates, the
/// agent's own site, courtyard and devices.
/// </summary>
public sealed class Admission(SiteRegistry registry, AgentBudget budget, IngestMetrics metrics, IOptions<IngestOptions> options)
{
    /// <summary>
    /// Topic, budget, payload and registry checks. Anything refused becomes a dead letter in <paramref name="work"/> with
    /// its reason (over budget: the first few a minute); what passes is returned with its agent.
    /// </summary>
    internal List<Accepted> Admit(IReadOnlyList<IncomingMessage> batch, BatchContents work, DateTimeOffset now)
    {
        var snapshot = registry.Current;
        var accepted = new List<Accepted>(batch.Count);
        foreach (var message in batch)
        {
            if (message.Check.Topic is not { } topic)
            {
                work.DeadLetter(message, null, message.Check.Problem!, options.Value.DeadLetterPayloadBytes);
                continue;
            }

            metrics.Messages.Add(1, new KeyValuePair<string, object?>("channel", WireNames.Of(topic.Channel)), new KeyValuePair<string, object?>("outcome", message.Check.Message is null ? "rejected" : "valid"));

            // Every message on a registered agent's topics counts against that agent's budget, garbage included.
            if (snapshot is not null && snapshot.Agents.ContainsKey(topic.Agent) && !budget.TryTake(topic.Agent, now, out var keep))
            {
                Refuse(work, message, topic.Agent, keep, $"agent '{topic.Agent}' is over its message budget ({options.Value.AgentMessagesPerSecond}/s, burst {options.Value.AgentBurst}): refused unread");
                continue;
            }

            if (message.Check.Message is not { } uplink)
            {
                work.DeadLetter(message, topic.Agent, message.Check.Problem!, options.Value.DeadLetterPayloadBytes);
                continue;
            }

            if (snapshot is null || !snapshot.Agents.TryGetValue(topic.Agent, out var agent))
            {
                work.DeadLetter(message, topic.Agent, $"unknown agent '{topic.Agent}': not in the site manifests", options.Value.DeadLetterPayloadBytes);
                continue;
            }

            if (topic.Site != snapshot.Site.Manifest.Id || topic.Courtyard != agent.Courtyard.Id)
            {
                work.DeadLetter(message, topic.Agent, $"agent '{topic.Agent}' belongs to {snapshot.Site.Manifest.Id}/{agent.Courtyard.Id}, not {topic.Site}/{topic.Courtyard}", options.Value.DeadLetterPayloadBytes);
                continue;
            }

            if (uplink is DeviceEvent e && !agent.DeviceIds.Contains(e.Device))
            {
                work.DeadLetter(message, topic.Agent, $"device '{e.Device}' is not in agent '{topic.Agent}''s manifest", options.Value.DeadLetterPayloadBytes);
                continue;
            }

            // A flood with a new boot or a new series in every message is refused here, each refusal cheap.
            if (!budget.TryBoot(topic.Agent, uplink.Boot.Value, now, out var keepBoot))
            {
                Refuse(work, message, topic.Agent, keepBoot, $"agent '{topic.Agent}' starts new boots faster than allowed ({options.Value.MaxLiveBootsPerAgent} at once, then one per {options.Value.NewBootInterval}): boot '{uplink.Boot.Value}' refused unread");
                continue;
            }

            if (uplink is TelemetryBatch telemetry && !budget.TrySensors(topic.Agent, telemetry.Readings, agent.DeviceIds, now, out var keepSensors))
            {
                Refuse(work, message, topic.Agent, keepSensors, $"agent '{topic.Agent}' uses more distinct sensors than its {agent.DeviceIds.Count} devices allow ({options.Value.MaxSensorsPerDevice} each): message refused");
                continue;
            }

            accepted.Add(new Accepted(message, uplink, agent));
        }

        metrics.Rejected.Add(work.Refused);
        return accepted;
    }

    // A flood refusal: the first few a minute are kept with their reason, the rest only counted (one summary a minute).
    private void Refuse(BatchContents work, IncomingMessage message, AgentId agent, bool keep, string reason)
    {
        if (keep)
        {
            work.DeadLetter(message, agent, reason + $"; only the first {options.Value.FloodDeadLettersPerMinute} refusals a minute are kept, the rest are counted in one summary dead letter", options.Value.DeadLetterPayloadBytes);
        }
        else
        {
            work.Refused++;
        }
    }
}
