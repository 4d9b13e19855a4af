using Iot.Edge.Safety;

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

/// <summary>One outlet of a charging station: its current sensor, relay, interlock and charging session.</summary>
internal sealed class ChargingOutlet(int number, SafetySensor meter, Relay relay, OutletInterlock interlock, Hysteresis overCurrent, Hysteresis full, string chip)
{
    private const double UnpluggedBelowA = 0.03;
    private TimeSpan? _lastRead;

    public int Number { get; } = number;

    /// <summary>The chip its current sensor is on (<c>bus/address</c>): outlets on one chip are read in turn.</summary>
    public string Chip { get; } = chip;

    /// <summary>The outlet's current sensor, watched for failing: the outlet is powered only while it reads.</summary>
    public SafetySensor Meter { get; } = meter;

    public Relay Relay { get; } = relay;

    public OutletInterlock Interlock { get; } = interlock;

    public Hysteresis OverCurrent { get; } = overCurrent;

    public double CurrentA { get; private set; }

    public ChargeState State { get; private set; }

    public double SessionWh { get; private set; }

    /// <summary>Takes a good current reading; returns the session event it implies, if any.</summary>
    public (Protocol.Messages.EventKind Kind, double? Value)? Update(double currentA, TimeSpan now, double volts, double startAboveA)
    {
        CurrentA = Math.Max(0, currentA);
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
            return (Protocol.Messages.EventKind.ChargingStarted, null);
        }

        return previous == ChargeState.Charging && State != ChargeState.Charging
            ? (Protocol.Messages.EventKind.ChargingFinished, Math.Round(SessionWh, 1))
            : null;
    }
}
