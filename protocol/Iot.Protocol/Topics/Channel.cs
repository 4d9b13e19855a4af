using System.Text.Json.Serialization;
using Iot.Protocol.Messages;

namespace Iot.Protocol.Topics;

/// <summary>The last segment of an agent topic: what kind of message travels there, and which way.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<Channel>))]
public enum Channel
{
    /// <summary>Agent → cloud: <see cref="TelemetryBatch"/>, QoS 1.</summary>
    Telemetry,

    /// <summary>Agent → cloud: <see cref="DeviceEvent"/>, QoS 1.</summary>
    Events,

    /// <summary>Agent → cloud: <see cref="AgentStatus"/>, QoS 1, retained (birth, Last Will, updates).</summary>
    Status,

    /// <summary>Cloud → agent: <see cref="DesiredConfig"/>, QoS 1, retained.</summary>
    Config,

    /// <summary>Cloud → agent: <see cref="Command"/>, QoS 1.</summary>
    Commands,

    /// <summary>Agent → cloud: <see cref="CommandResult"/>, QoS 1.</summary>
    Results,

    /// <summary>Cloud → agent: <see cref="StoredWatermark"/>, QoS 1, retained (1.2). Last, so outbox records keep their channel numbers.</summary>
    Stored,
}

/// <summary>Facts about channels.</summary>
public static class Channels
{
    /// <summary>True for channels an agent publishes on.</summary>
    public static bool IsUplink(this Channel channel) => channel is Channel.Telemetry or Channel.Events or Channel.Status or Channel.Results;
}
