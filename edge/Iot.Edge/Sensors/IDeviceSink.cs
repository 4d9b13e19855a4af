using Iot.Edge.Outbox;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Edge.Sensors;

/// <summary>Where devices put what they measure and detect. The agent stamps the time and writes the outbox.</summary>
public interface IDeviceSink
{
    /// <summary>Adds a reading to the telemetry batch being collected.</summary>
    void Reading(SensorId sensor, Quantity quantity, double value);

    /// <summary>Writes an event at once, ahead of queued telemetry, in the queue its kind belongs to (<see cref="EventPriority"/>).</summary>
    void Report(EventKind kind, DeviceId device, double? value = null, int? outlet = null, string? reason = null);
}
