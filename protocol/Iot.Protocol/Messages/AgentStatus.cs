using System.Text.Json.Serialization;
using Iot.Protocol.Identifiers;

namespace Iot.Protocol.Messages;

/// <summary>Whether an agent is connected.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<Presence>))]
public enum Presence
{
    /// <summary>Connected (the retained birth message).</summary>
    Online,

    /// <summary>Gone: a clean shutdown or the broker-published Last Will.</summary>
    Offline,
}

/// <summary>Why an agent is offline.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<OfflineReason>))]
public enum OfflineReason
{
    /// <summary>The agent stopped cleanly and said so.</summary>
    Shutdown,

    /// <summary>The broker lost the connection and published the agent's Last Will.</summary>
    ConnectionLost,
}

/// <summary>
/// The agent's state, published retained on the <c>status</c> channel: a birth message on connect, updates
/// while running, and the same record with <see cref="Presence.Offline"/> as Last Will and on clean shutdown.
/// Status messages have their own per-boot sequence, separate from the data sequence.
/// </summary>
/// <param name="V">Protocol version.</param>
/// <param name="Agent">The sending agent.</param>
/// <param name="Boot">The agent's current run.</param>
/// <param name="Seq">Position in the boot's status sequence.</param>
/// <param name="State">Online or offline.</param>
/// <param name="AgentVersion">The agent software version, e.g. <c>1.4.0</c>.</param>
/// <param name="ClockSynced">Whether the agent's clock is synchronised; until it is, readings carry boot-relative times.</param>
/// <param name="BootMs">Milliseconds since boot when this status was written.</param>
/// <param name="At">UTC time when this status was written; present only when the clock is synced. With <see cref="BootMs"/> it places the boot on the time line.</param>
/// <param name="ConfigHash">Hash of the desired configuration in force, if any.</param>
/// <param name="RejectedConfig">The last desired configuration refused, with reasons.</param>
/// <param name="Health">Outbox, disk and temperature figures.</param>
/// <param name="Reason">For offline: clean shutdown or connection lost.</param>
public sealed record AgentStatus(
    ProtocolVersion V,
    AgentId Agent,
    BootId Boot,
    long Seq,
    Presence State,
    string AgentVersion,
    bool ClockSynced,
    long BootMs,
    DateTimeOffset? At = null,
    string? ConfigHash = null,
    ConfigRejection? RejectedConfig = null,
    AgentHealth? Health = null,
    OfflineReason? Reason = null) : IUplinkMessage;

/// <summary>A desired configuration the agent refused, and why.</summary>
/// <param name="Hash">The refused configuration's hash.</param>
/// <param name="Reasons">Each problem found, as text.</param>
public sealed record ConfigRejection(string Hash, IReadOnlyList<string> Reasons);

/// <summary>How the agent itself is doing.</summary>
/// <param name="OutboxDepth">Records waiting in the outbox.</param>
/// <param name="OutboxBytes">Bytes the outbox occupies on disk.</param>
/// <param name="OutboxDropped">Records dropped since boot because the outbox was full (never silent).</param>
/// <param name="OutboxCorrupted">Damaged records skipped at recovery since boot.</param>
/// <param name="DiskFreeBytes">Free bytes on the outbox's file system.</param>
/// <param name="CpuTemperatureC">SoC temperature, where the board reports it.</param>
/// <param name="CtCalibrations">The calibration in force on each current transformer's input (<c>iot-edge calibrate</c>), if any.</param>
/// <param name="OutboxFloors">(1.2) For boots where the agent holds nothing the cloud's watermark waits for: below each floor, what the cloud misses is lost.</param>
public sealed record AgentHealth(
    long OutboxDepth,
    long OutboxBytes,
    long OutboxDropped,
    long OutboxCorrupted,
    long? DiskFreeBytes = null,
    double? CpuTemperatureC = null,
    IReadOnlyList<CtCalibrationReport>? CtCalibrations = null,
    IReadOnlyList<OutboxFloor>? OutboxFloors = null);

/// <summary>One current transformer's calibration, as the agent applies it.</summary>
/// <param name="Input">The ADS1115 input, <c>bus/address/channel</c> (e.g. <c>1/0x48/2</c>).</param>
/// <param name="ZeroA">Its noise floor with the relay open, amperes.</param>
/// <param name="Factor">Known load over measured load.</param>
/// <param name="At">When it was measured.</param>
public sealed record CtCalibrationReport(string Input, double ZeroA, double Factor, DateTimeOffset? At = null);
