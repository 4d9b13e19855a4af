using Iot.Protocol.Identifiers;

namespace Iot.Protocol.Messages;

/// <summary>Many readings in one message, published on the <c>telemetry</c> channel (QoS 1).</summary>
/// <param name="V">Protocol version.</param>
/// <param name="Agent">The sending agent.</param>
/// <param name="Boot">The agent's current run.</param>
/// <param name="Seq">Position in the boot's data sequence.</param>
/// <param name="Readings">One to <see cref="MessageLimits.MaxReadingsPerBatch"/> readings.</param>
public sealed record TelemetryBatch(
    ProtocolVersion V,
    AgentId Agent,
    BootId Boot,
    long Seq,
    IReadOnlyList<Reading> Readings) : IUplinkMessage;
