using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Iot.Edge.Agent;
using Iot.Edge.Outbox;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Protocol.Validation;
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
            else if (topic.Channel == Channel.Stored)
            {
                Stored(message.Topic, payload);
            }
        }
    }

    // The cloud's watermark: what it has stored leaves the outbox. Where it waits for records this agent no longer holds,
    // the next status names the floors (once per change), so the cloud counts them lost instead of waiting for ever.
    private void Stored(string topic, byte[] payload)
    {
        if (payload.Length == 0)
        {
            return; // cleared
        }

        var read = MessageReader.ReadStored(payload, _time.GetUtcNow());
        if (read.Message is not { } watermark || watermark.Agent != _agent.Identity.Agent)
        {
            UplinkLog.Ignored(_logger, Name, topic, read.Message is null ? read.Summary : "a watermark for another agent");
            return;
        }

        if (_agent.Outbox.Confirm(watermark))
        {
            Interlocked.Exchange(ref _lastProgress, _time.GetTimestamp());
            Interlocked.Exchange(ref _stallTicks, TimeSpan.FromSeconds(_outbox.StallSeconds).Ticks);
        }

        var floors = string.Join(' ', _agent.Outbox.Floors().Select(f => $"{f.Boot}:{f.Seq}"));
        if (floors.Length > 0 && floors != _floorsReported)
        {
            _floorsReported = floors;
            _statusDue = true;
            Wake();
        }
    }

    private void Configure(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return; // the retained config was cleared; keep the one in force
        }

        var verdict = _agent.Trust.OpenConfig(payload);
        if (verdict.Config is { } desired)
        {
            _agent.Apply(desired);
        }
        else
        {
            _agent.Reject(verdict.Hash, verdict.Refusal);
        }
    }

    private void Command(string topic, byte[] payload)
    {
        var verdict = _agent.Trust.OpenCommand(payload);
        if (verdict.Command is { } command)
        {
            _agent.Execute(command);
        }
        else if (verdict.Id is { } id)
        {
            _agent.Refuse(id, verdict.Refusal!.Length > MessageLimits.MaxTextLength ? verdict.Refusal[..MessageLimits.MaxTextLength] : verdict.Refusal);
        }
        else
        {
            UplinkLog.Ignored(_logger, Name, topic, verdict.Refusal!);
        }
    }
}
