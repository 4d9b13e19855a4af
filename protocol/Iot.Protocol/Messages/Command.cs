using System.Text.Json.Serialization;
using Iot.Protocol.Identifiers;

namespace Iot.Protocol.Messages;

/// <summary>What a command asks an agent to do.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<CommandKind>))]
public enum CommandKind
{
    /// <summary>Re-energise a latched charging outlet. Needs <c>device</c>, <c>outlet</c>, <c>person</c> and <c>reason</c>.</summary>
    ResetOutlet,

    /// <summary>Switch a lamp. Needs <c>device</c> and <c>on</c>.</summary>
    SwitchLamp,

    /// <summary>Publish a fresh status message now.</summary>
    RequestStatus,
}

/// <summary>
/// A command from the cloud to one agent, on the <c>commands</c> channel (QoS 1, not retained). Every
/// command is answered by a <see cref="CommandResult"/> with the same id.
/// </summary>
/// <param name="V">Protocol version.</param>
/// <param name="Id">Unique id; the agent ignores a command id it has already executed.</param>
/// <param name="Agent">The addressed agent; must match the topic.</param>
/// <param name="Kind">What to do.</param>
/// <param name="IssuedAt">When the cloud issued it, UTC.</param>
/// <param name="Device">The target device, when the kind needs one.</param>
/// <param name="Outlet">The target outlet of a charging station, from 1.</param>
/// <param name="On">For <see cref="CommandKind.SwitchLamp"/>: on or off.</param>
/// <param name="Person">Who asked for it (recorded in the audit log and on the agent).</param>
/// <param name="Reason">Why; required for a reset.</param>
/// <param name="ForMinutes">For <see cref="CommandKind.SwitchLamp"/>: how long the lamp stays so before its schedule takes over again (since 1.1; without it, until the schedule's next change).</param>
public sealed record Command(
    ProtocolVersion V,
    CommandId Id,
    AgentId Agent,
    CommandKind Kind,
    DateTimeOffset IssuedAt,
    DeviceId? Device = null,
    int? Outlet = null,
    bool? On = null,
    string? Person = null,
    string? Reason = null,
    int? ForMinutes = null);

/// <summary>The outcome of a <see cref="Command"/>, on the <c>results</c> channel (QoS 1, through the outbox).</summary>
/// <param name="V">Protocol version.</param>
/// <param name="Agent">The answering agent.</param>
/// <param name="Boot">The agent's current run.</param>
/// <param name="Seq">Position in the boot's data sequence.</param>
/// <param name="Command">The id of the command answered.</param>
/// <param name="Ok">Whether it was carried out.</param>
/// <param name="Error">Why not, when <see cref="Ok"/> is false.</param>
/// <param name="At">When it was carried out or refused, UTC.</param>
/// <param name="BootMs">The same, in milliseconds since boot, before the clock is synced.</param>
public sealed record CommandResult(
    ProtocolVersion V,
    AgentId Agent,
    BootId Boot,
    long Seq,
    CommandId Command,
    bool Ok,
    string? Error = null,
    DateTimeOffset? At = null,
    long? BootMs = null) : IUplinkMessage;
