using Iot.Protocol.Identifiers;

namespace Iot.Protocol.Messages;

/// <summary>
/// What every message from an agent carries: who sent it, in which run (boot), and where in that run's
/// sequence it stands. The cloud drops duplicates by (agent, boot, seq) and counts gaps in seq.
/// </summary>
public interface IUplinkMessage
{
    /// <summary>Protocol version the message was written for.</summary>
    ProtocolVersion V { get; }

    /// <summary>The sending agent; must match the agent in the topic.</summary>
    AgentId Agent { get; }

    /// <summary>The agent's current run, chosen at random when it starts.</summary>
    BootId Boot { get; }

    /// <summary>
    /// Position in the boot's sequence, from 1. Telemetry, events and command results share one sequence
    /// (they pass through the agent's outbox); status messages have their own.
    /// </summary>
    long Seq { get; }
}
