using Iot.Protocol.Identifiers;

namespace Iot.Protocol.Messages;

/// <summary>
/// One event, published on the <c>events</c> channel (QoS 1). Events leave the agent ahead of queued telemetry.
/// Exactly one of <see cref="At"/> or <see cref="BootMs"/> is set, as for a <see cref="Reading"/>.
/// </summary>
/// <param name="V">Protocol version.</param>
/// <param name="Agent">The sending agent.</param>
/// <param name="Boot">The agent's current run.</param>
/// <param name="Seq">Position in the boot's data sequence.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Device">Where it happened.</param>
/// <param name="At">When, UTC.</param>
/// <param name="BootMs">When, in milliseconds since boot.</param>
/// <param name="Outlet">For charging stations: the outlet number, from 1.</param>
/// <param name="Value">The measurement that triggered it, in the unit the event kind names.</param>
/// <param name="Reason">A short free text (cause of a cut-off, who reset, why a config was refused); at most 500 characters.</param>
public sealed record DeviceEvent(
    ProtocolVersion V,
    AgentId Agent,
    BootId Boot,
    long Seq,
    EventKind Kind,
    DeviceId Device,
    DateTimeOffset? At = null,
    long? BootMs = null,
    int? Outlet = null,
    double? Value = null,
    string? Reason = null) : IUplinkMessage;
