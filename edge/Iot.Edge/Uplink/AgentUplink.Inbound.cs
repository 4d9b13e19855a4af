using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Iot.Edge.Agent;
using Iot.Edge.Outbox;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Inbox = System.Threading.Channels.Channel;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Edge.Uplink;

/// <summary>What arrives from the cloud: desired config and commands, handled off the client's receive path.</summary>
public sealed partial class AgentUplink
{
    private async Task InboundLoopAsync(CancellationToken ct)
    {
        await foreach (var message in _inbound.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (!AgentTopic.TryParse(message.Topic, out var topic, out var problem) || topic.Agent != _agent.Identity.Agent)
            {
                UplinkLog.Ignored(_logger, Name, message.Topic, problem ?? "not this agent's topic");
                continue;
            }

            var payload = message.Payload.ToArray();
            if (topic.Channel == Channel.Config)
            {
                Configure(payload);
            }
            else if (topic.Channel == Channel.Commands)
            {
                Command(message.Topic, payload);
            }
        }
    }

    private void Configure(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return; // the retained config was cleared; keep the one in force
        }

        var read = Protocol.Validation.MessageReader.ReadDesiredConfig(payload, _agent.Clock.ValidationNow);
        if (read.Message is { } desired)
        {
            _agent.Apply(desired);
            return;
        }

        _agent.Reject(HashIn(payload), read.Problems.Select(p => p.ToString()).ToList());
    }

    private void Command(string topic, byte[] payload)
    {
        var read = Protocol.Validation.MessageReader.ReadCommand(payload, _agent.Clock.ValidationNow);
        if (read.Message is { } command)
        {
            if (command.Agent != _agent.Identity.Agent)
            {
                _agent.Refuse(command.Id, $"command is for agent '{command.Agent}', not '{_agent.Identity.Agent}'");
                return;
            }

            _agent.Execute(command);
        }
        else if (IdIn(payload) is { } id)
        {
            _agent.Refuse(id, read.Summary.Length > MessageLimits.MaxTextLength ? read.Summary[..MessageLimits.MaxTextLength] : read.Summary);
        }
        else
        {
            UplinkLog.Ignored(_logger, Name, topic, read.Summary);
        }
    }

    private static string HashIn(byte[] payload)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(payload);
            return doc.RootElement.TryGetProperty("hash", out var h) && h.ValueKind == System.Text.Json.JsonValueKind.String ? h.GetString()! : "unknown";
        }
        catch (System.Text.Json.JsonException)
        {
            return "unknown";
        }
    }

    private static Protocol.Identifiers.CommandId? IdIn(byte[] payload)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(payload);
            return doc.RootElement.TryGetProperty("id", out var h) && h.ValueKind == System.Text.Json.JsonValueKind.String
                && Protocol.Identifiers.CommandId.TryParse(h.GetString(), out var id, out _) ? id : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
