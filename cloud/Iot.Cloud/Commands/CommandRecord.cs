using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Commands;

/// <summary>
/// A command the cloud signed and sent to an agent, as it was issued: who asked, what, why, when. Append-only except
/// for the two bookkeeping fields below; what became of it is never stored here but derived from the agent's answer
/// in <c>command_results</c> (see <see cref="CommandOutcome"/>).
/// </summary>
public sealed class CommandRecord
{
    public long Id { get; set; }

    /// <summary>The id on the wire (a slug), by which the agent's result refers to it.</summary>
    public required string CommandId { get; set; }

    public CommandKind Kind { get; set; }

    public required CourtyardId CourtyardId { get; set; }

    public required AgentId AgentId { get; set; }

    public DeviceId? DeviceId { get; set; }

    public int? Outlet { get; set; }

    /// <summary>For <see cref="CommandKind.SwitchLamp"/>: on or off.</summary>
    public bool? On { get; set; }

    /// <summary>For <see cref="CommandKind.SwitchLamp"/>: how long before the lamp's schedule takes over again.</summary>
    public int? ForMinutes { get; set; }

    /// <summary>For <see cref="CommandKind.ResetOutlet"/>: the open work order for the outlet's cut-off.</summary>
    public long? WorkOrderId { get; set; }

    /// <summary>The account that issued it.</summary>
    public required string IssuedBy { get; set; }

    /// <summary>The person who takes responsibility, as the agent records it (the account's display name).</summary>
    public required string Person { get; set; }

    public required string Reason { get; set; }

    /// <summary>For resets: the inspection items the person confirmed, by key (<see cref="Checklist"/>), comma-separated.</summary>
    public string? Checklist { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>Why the command never left the cloud (the broker refused it or was unreachable); null once published.</summary>
    public string? NotSentReason { get; set; }

    /// <summary>When the agent's first answer was written to the audit log (so that one instance writes it, once).</summary>
    public DateTimeOffset? ResultAuditedAt { get; set; }
}
