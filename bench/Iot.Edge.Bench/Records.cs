using Iot.Edge.Outbox;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;

namespace Iot.Edge.Bench;

/// <summary>Realistic outbox records: telemetry batches of a small courtyard, and now and then an event.</summary>
internal static class Records
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 13, 0, 0, TimeSpan.Zero);

    public static (OutboxPriority Priority, Channel Channel, Func<long, byte[]> Write) Next(AgentId agent, BootId boot, long index)
    {
        var at = Start.AddSeconds(index);
        if (index % 10 == 9)
        {
            var kind = index % 20 == 19 ? EventKind.ChargerCutOff : EventKind.GateOpened;
            var priority = kind == EventKind.ChargerCutOff ? OutboxPriority.Safety : OutboxPriority.Event;
            return (priority, Channel.Events, seq => ProtocolJson.Serialize(new DeviceEvent(ProtocolVersion.Current, agent, boot, seq, kind, DeviceId.Parse("charger-01"), at, Outlet: 2, Value: 71.5, Reason: kind == EventKind.ChargerCutOff ? "overTemperature" : null)));
        }

        return (OutboxPriority.Telemetry, Channel.Telemetry, seq => ProtocolJson.Serialize(new TelemetryBatch(ProtocolVersion.Current, agent, boot, seq,
        [
            new Reading(SensorId.Parse("lamp-01.current"), Quantity.Current, 0.45, at),
            new Reading(SensorId.Parse("lamp-01.voltage"), Quantity.Voltage, 12.1, at),
            new Reading(SensorId.Parse("lamp-01.light"), Quantity.Illuminance, 3.5, at),
            new Reading(SensorId.Parse("gate-01.contact"), Quantity.Contact, 0, at),
            new Reading(SensorId.Parse("drain-01.level"), Quantity.WaterLevel, 12.4, at),
            new Reading(SensorId.Parse("charger-01.o1-current"), Quantity.Current, 1.87, at),
            new Reading(SensorId.Parse("charger-01.temperature"), Quantity.Temperature, 31.5, at),
        ])));
    }
}
