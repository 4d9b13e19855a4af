using Iot.Device.Adc;
using Iot.Edge.Safety;
using Iot.Protocol.Messages;

namespace Iot.Edge.Sensors;

/// <summary>What an outlet is doing, as the <c>chargeState</c> quantity numbers it.</summary>
public enum ChargeState
{
    /// <summary>Nothing drawing (unplugged, or the relay is off).</summary>
    Idle = 0,

    /// <summary>A bike charging.</summary>
    Charging = 1,

    /// <summary>The charger has tapered to a trickle: the battery is full.</summary>
    Full = 2,
}

/// <summary>One outlet of a charging station: its INA219, relay, interlock and charging session.</summary>
internal sealed class ChargingOutlet(int number, Ina219 meter, Relay relay, OutletInterlock interlock, Hysteresis overCurrent, Hysteresis full)
{
    private const double UnpluggedBelowA = 0.03;

    public int Number { get; } = number;

    public Ina219 Meter { get; } = meter;

    public Relay Relay { get; } = relay;

    public OutletInterlock Interlock { get; } = interlock;

    public Hysteresis OverCurrent { get; } = overCurrent;

    public double CurrentA { get; private set; }

    public ChargeState State { get; private set; }

    public double SessionWh { get; private set; }

    private TimeSpan? _lastRead;

    /// <summary>Reads the current; returns the session event it implies, if any.</summary>
    public (EventKind Kind, double? Value)? Read(TimeSpan now, double volts, double startAboveA)
    {
        CurrentA = Math.Max(0, Meter.ReadCurrent().Amperes);
        if (_lastRead is { } last && State == ChargeState.Charging)
        {
            SessionWh += CurrentA * volts * (now - last).TotalHours;
        }

        _lastRead = now;
        var fullNow = full.Update(CurrentA, now);
        var previous = State;
        State = CurrentA < UnpluggedBelowA ? ChargeState.Idle
            : State == ChargeState.Charging && fullNow == Crossing.Raised ? ChargeState.Full
            : State != ChargeState.Charging && CurrentA > startAboveA ? ChargeState.Charging
            : State == ChargeState.Idle ? ChargeState.Idle
            : State;
        if (previous != ChargeState.Charging && State == ChargeState.Charging)
        {
            SessionWh = 0;
            return (EventKind.ChargingStarted, null);
        }

        return previous == ChargeState.Charging && State != ChargeState.Charging
            ? (EventKind.ChargingFinished, Math.Round(SessionWh, 1))
            : null;
    }
}
