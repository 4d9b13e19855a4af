using System.Text.Json.Serialization;

namespace Iot.Protocol.Messages;

/// <summary>Something that happened at a device, detected on the agent. camelCase on the wire.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<EventKind>))]
public enum EventKind
{
    /// <summary>The gate's reed switch opened.</summary>
    GateOpened,

    /// <summary>The gate closed again.</summary>
    GateClosed,

    /// <summary>The gate stayed open longer than its threshold; <c>value</c> holds the seconds open.</summary>
    GateHeldOpen,

    /// <summary>The gate opened while its lock reported locked.</summary>
    GateForced,

    /// <summary>A lamp commanded on draws no current; <c>value</c> holds the current (A).</summary>
    LampBurntOut,

    /// <summary>A lamp is lit while the ambient light says it is day; <c>value</c> holds the illuminance (lx).</summary>
    LampLitInDaylight,

    /// <summary>A lamp draws current outside its normal band; <c>value</c> holds the current (A).</summary>
    LampAbnormalCurrent,

    /// <summary>A lamp's earlier fault condition is gone.</summary>
    LampRecovered,

    /// <summary>The relay of a lamp was switched; <c>value</c> is 1 for on, 0 for off.</summary>
    LampSwitched,

    /// <summary>A drain's float switch rose, or its level crossed the high-water threshold; <c>value</c> holds the level (cm).</summary>
    DrainHighWater,

    /// <summary>A drain's water is back below its clear threshold.</summary>
    DrainHighWaterCleared,

    /// <summary>A drain's level rises faster than its threshold; <c>value</c> holds the rate (cm/min).</summary>
    DrainRapidRise,

    /// <summary>A charging outlet's relay was opened by the local interlock; <c>reason</c> says why, <c>value</c> the measurement.</summary>
    ChargerCutOff,

    /// <summary>A latched outlet was reset by a person; <c>reason</c> holds who and why.</summary>
    ChargerReset,

    /// <summary>An outlet tripped twice within the repeat window and is locked out for longer.</summary>
    ChargerLockedOut,

    /// <summary>An e-bike started drawing charging current on an outlet.</summary>
    ChargingStarted,

    /// <summary>A charging session ended; <c>value</c> holds the energy delivered (Wh).</summary>
    ChargingFinished,

    /// <summary>The agent's outbox is full and dropping the oldest telemetry; <c>value</c> holds the count dropped.</summary>
    OutboxDropping,

    /// <summary>The agent's disk is almost full; <c>value</c> holds the free bytes.</summary>
    DiskLow,

    /// <summary>A desired configuration was applied.</summary>
    ConfigApplied,

    /// <summary>A desired configuration was refused; <c>reason</c> lists why.</summary>
    ConfigRejected,

    /// <summary>The agent's clock became synchronised (NTP).</summary>
    ClockSynced,

    /// <summary>
    /// A sensor that guards mains power failed (an I/O error, NaN, a value outside the physical range, no fresh
    /// reading): the agent cut what it guards. <c>outlet</c> names the outlet when one outlet's sensor failed;
    /// <c>reason</c> says which sensor and how. Since protocol 1.1.
    /// </summary>
    SensorFault,

    /// <summary>A sensor that had a <see cref="SensorFault"/> reads plausibly again (a latched outlet still needs a reset). Since protocol 1.1.</summary>
    SensorRecovered,
}
