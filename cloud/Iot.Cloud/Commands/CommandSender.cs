using Iot.Cloud.Audit;
using Iot.Cloud.Broker;
using Iot.Cloud.Data;
using Iot.Cloud.Signing;
using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Signing;
using Iot.Protocol.Topics;

namespace Iot.Cloud.Commands;

/// <summary>
/// Issues a command, the one way the cloud drives a device: it is written to the database and the audit log first
/// (so nothing reaches an agent unrecorded), then signed with the cloud's key and published with QoS 1, not retained,
/// on the agent's <c>commands</c> topic, and announced on the live feed. A publish that fails is recorded as not sent.
/// </summary>
public sealed partial class CommandSender(CloudMqttClient mqtt, CloudSigner signer, CommandFeed feed, TimeProvider time, ILogger<CommandSender> logger)
{
    /// <summary>Records, signs, publishes and announces <paramref name="command"/> (its id and time are set here).</summary>
    public async Task<CommandView> SendAsync(CloudDb db, RegisteredAgent agent, SiteId site, CommandRecord command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(command);
        command.CommandId = Guid.NewGuid().ToString("N");
        // Whole milliseconds, as the wire carries it: what is stored is what the agent sees.
        var now = time.GetUtcNow();
        command.IssuedAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        db.Commands.Add(command);
        db.AuditLog.Add(CommandAudit.Issued(command));
        await db.SaveChangesAsync(cancellationToken);

        var wire = new Command(
            ProtocolVersion.Current, CommandId.Parse(command.CommandId), agent.Manifest.Id, command.Kind, command.IssuedAt,
            command.DeviceId, command.Outlet, command.On, command.Person, command.Reason, command.ForMinutes);
        var topic = new AgentTopic(site, agent.Courtyard.Id, agent.Manifest.Id, Channel.Commands).ToString();
        try
        {
            await mqtt.PublishAsync(topic, signer.Sign(ProtocolJson.Serialize(wire), SignedPurpose.Command), retain: false, cancellationToken);
            LogSent(logger, command.Kind, command.CommandId, command.AgentId, command.IssuedBy);
        }
        catch (Exception e) when (e is InvalidOperationException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Not connected, or refused by the broker: the agent never sees it, and the record says so.
            command.NotSentReason = $"the broker did not take the command: {e.Message}";
            db.AuditLog.Add(CommandAudit.NotSent(command, time.GetUtcNow()));
            await db.SaveChangesAsync(CancellationToken.None);
            LogNotSent(logger, command.CommandId, command.AgentId, e.Message);
        }

        var view = CommandView.Of(command, null, time.GetUtcNow());
        feed.Announce(view);
        return view;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Kind} command {Command} to {Agent} for {Account}")]
    private static partial void LogSent(ILogger logger, CommandKind kind, string command, AgentId agent, string account);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {Command} to {Agent} was not sent: {Reason}")]
    private static partial void LogNotSent(ILogger logger, string command, AgentId agent, string reason);
}
