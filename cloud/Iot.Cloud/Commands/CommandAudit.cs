using System.Globalization;
using Iot.Cloud.Audit;
using Iot.Cloud.Ingest;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Commands;

/// <summary>
/// The audit entries of a command: who issued what and why, and what the agent answered. Filed under what the command
/// acts on: <c>outlet</c> (<c>{agent}/{device}/o{n}</c>, as every safety reset), <c>device</c> or <c>agent</c>; each
/// detail starts with the command id.
/// </summary>
public static class CommandAudit
{
    public static AuditEntry Issued(CommandRecord command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var what = command.Kind switch
        {
            CommandKind.ResetOutlet => string.Create(CultureInfo.InvariantCulture, $"reset outlet {command.Outlet} of {command.DeviceId}; checklist: {Checklist.Chinese(Keys(command))}; work order {command.WorkOrderId}"),
            CommandKind.SwitchLamp => string.Create(CultureInfo.InvariantCulture, $"switch {command.DeviceId} {(command.On == true ? "on" : "off")} for {command.ForMinutes} min"),
            _ => "request a fresh status",
        };
        return Entry(command, command.IssuedAt, command.IssuedBy, $"command:{WireNames.Of(command.Kind)}", $"{command.CommandId}: {what}; person {command.Person}; reason: {command.Reason}");
    }

    public static AuditEntry NotSent(CommandRecord command, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Entry(command, at, "system", "command:notSent", $"{command.CommandId}: {command.NotSentReason}");
    }

    /// <summary>The agent's answer, in its name.</summary>
    public static AuditEntry Answered(CommandRecord command, CommandResultRecord answer)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(answer);
        return Entry(command, answer.ReceivedAt, answer.AgentId.Value, answer.Ok ? "result:carriedOut" : "result:refused",
            answer.Ok ? $"{command.CommandId}: carried out" : $"{command.CommandId}: {answer.Error}");
    }

    private static AuditEntry Entry(CommandRecord command, DateTimeOffset at, string actor, string action, string detail)
    {
        var (entity, id) = command switch
        {
            { Kind: CommandKind.ResetOutlet } => ("outlet", new OutletRef(command.AgentId, command.DeviceId!.Value, command.Outlet ?? 0).ToString()),
            { DeviceId: { } device } => ("device", $"{command.AgentId}/{device}"),
            _ => ("agent", command.AgentId.Value),
        };
        return AuditEntry.Of(at, actor, entity, id, action, detail);
    }

    private static string[] Keys(CommandRecord command) => command.Checklist?.Split(',') ?? [];
}
