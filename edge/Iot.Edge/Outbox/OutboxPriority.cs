using Iot.Protocol.Messages;

namespace Iot.Edge.Outbox;

/// <summary>
/// The outbox keeps one queue per priority. Higher priorities are sent first and dropped last:
/// an interlock record must never wait behind an hour of telemetry, nor be the first thing lost.
/// </summary>
public enum OutboxPriority
{
    /// <summary>Interlock cut-offs, resets and lockouts, the charger's sensor faults, a forced gate.</summary>
    Safety = 0,

    /// <summary>Other events and command results.</summary>
    Event = 1,

    /// <summary>Telemetry batches: sent last, dropped first.</summary>
    Telemetry = 2,
}

/// <summary>Which queue an event goes in: decided by its kind alone, so every device and every reader agree.</summary>
public static class EventPriority
{
    /// <summary>The queue of an event of <paramref name="kind"/>.</summary>
    public static OutboxPriority Of(EventKind kind) => kind switch
    {
        EventKind.ChargerCutOff or EventKind.ChargerLockedOut or EventKind.ChargerReset
            or EventKind.SensorFault or EventKind.SensorRecovered or EventKind.GateForced => OutboxPriority.Safety,
        _ => OutboxPriority.Event,
    };
}
