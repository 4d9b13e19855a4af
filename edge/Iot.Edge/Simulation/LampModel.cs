using Iot.Protocol.Identifiers;

namespace Iot.Edge.Simulation;

/// <summary>What can be wrong with a lamp.</summary>
public enum LampFault
{
    /// <summary>Works.</summary>
    None,

    /// <summary>The LED driver or lamp is dead: no current when switched on.</summary>
    BurntOut,

    /// <summary>A loose contact: current comes and goes.</summary>
    Flickering,

    /// <summary>A failing driver draws far too much.</summary>
    Overcurrent,
}

/// <summary>
/// A streetlight behind a relay with a BH1750 on the pole: a 12 V LED lamp with an INA219 on its feed, or a 220 V mains
/// LED lamp (about 90 W) with a current transformer on an ADS1115 input (<paramref name="transformer"/>).
/// </summary>
public sealed class LampModel(DeviceId id, SimulatedGpioDriver pins, SimulatedIna219? meter, SimulatedBh1750? light, int relayPin, bool relayActiveLow, CtSignal? transformer = null)
    : DeviceModel(id, pins)
{
    /// <summary>What a healthy 12 V LED lamp draws, A.</summary>
    public const double LedCurrentA = 0.45;

    /// <summary>What a healthy mains LED lamp draws, A.</summary>
    public const double MainsCurrentA = 0.4;

    /// <summary>A 12 V lamp's supply, V.</summary>
    public const double LedSupplyVolts = 12.2;

    /// <summary>Current the healthy lamp draws, A.</summary>
    public double NominalCurrentA { get; set; } = transformer is null ? LedCurrentA : MainsCurrentA;

    /// <summary>The lamp circuit's current transformer, when it is a mains lamp.</summary>
    public CtSignal? Transformer { get; } = transformer;

    /// <summary>The lamp's state of repair.</summary>
    public LampFault Fault { get; set; }

    /// <summary>Ambient light when scripted, lx.</summary>
    public double AmbientLux { get; set; } = 1;

    /// <summary>Supply voltage, V.</summary>
    public double SupplyVolts { get; set; } = LedSupplyVolts;

    /// <summary>Whether the relay feeds the lamp.</summary>
    public bool RelayOn => Energised(relayPin, relayActiveLow);

    /// <inheritdoc />
    public override void Advance(DateTimeOffset now, TimeSpan elapsed, WorldContext? world)
    {
        if (world is not null)
        {
            AmbientLux = world.Weather.SkyLux(now);
            if (Fault == LampFault.None && world.Chance(world.FaultRate / (24 * 120.0), elapsed))
            {
                Fault = world.Random.NextDouble() switch { < 0.6 => LampFault.BurntOut, < 0.9 => LampFault.Flickering, _ => LampFault.Overcurrent };
            }
            else if (Fault != LampFault.None && world.Chance(1 / 36.0, elapsed))
            {
                Fault = LampFault.None; // the property company came and fixed it
            }
        }

        var on = RelayOn;
        var current = !on ? 0.0 : Fault switch
        {
            LampFault.BurntOut => 0.004,
            LampFault.Flickering => world is null || world.Random.NextDouble() < 0.5 ? NominalCurrentA : 0.01,
            LampFault.Overcurrent => NominalCurrentA * 4,
            _ => NominalCurrentA * (1 + ((world?.Random.NextDouble() ?? 0.5) - 0.5) * 0.04),
        };
        if (meter is not null)
        {
            meter.CurrentA = current;
            meter.BusVolts = SupplyVolts - (current * 0.3);
        }

        if (Transformer is not null)
        {
            Transformer.LoadA = current;
        }
        if (light is not null)
        {
            light.Lux = AmbientLux + (current > 0.1 ? 2.5 : 0);
        }
    }
}
