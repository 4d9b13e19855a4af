namespace Iot.Protocol.Messages;

/// <summary>
/// What a reading measures. Each quantity has exactly one unit and a physical range (see
/// <see cref="Quantities"/>); a reading outside that range is refused as a sensor or firmware fault.
/// On the wire the names are camelCase: <c>current</c>, <c>waterLevel</c>, ...
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<Quantity>))]
public enum Quantity
{
    /// <summary>Electric current, amperes (A).</summary>
    Current,

    /// <summary>Bus voltage, volts (V).</summary>
    Voltage,

    /// <summary>Active power, watts (W).</summary>
    Power,

    /// <summary>Energy delivered in a charging session, watt-hours (Wh).</summary>
    Energy,

    /// <summary>Ambient light, lux (lx).</summary>
    Illuminance,

    /// <summary>Temperature, degrees Celsius (Cel).</summary>
    Temperature,

    /// <summary>Distance from an ultrasonic sensor to the water surface, centimetres (cm).</summary>
    Distance,

    /// <summary>Water level above the drain's floor, centimetres (cm).</summary>
    WaterLevel,

    /// <summary>Smoothed rate of rise of the water level, centimetres per minute (cm/min); negative when falling.</summary>
    RiseRate,

    /// <summary>Hydrostatic pressure, kilopascals (kPa).</summary>
    Pressure,

    /// <summary>Gate contact: 1 open, 0 closed (bool).</summary>
    Contact,

    /// <summary>Lock feedback: 1 locked, 0 unlocked (bool).</summary>
    Locked,

    /// <summary>Smoke detector: 1 smoke, 0 clear (bool).</summary>
    Smoke,

    /// <summary>High-water float switch: 1 raised, 0 down (bool).</summary>
    FloatSwitch,

    /// <summary>Relay state: 1 energised (power on), 0 open (power off) (bool).</summary>
    Relay,

    /// <summary>Derived lamp state: 1 lit, 0 dark (bool).</summary>
    LampOn,

    /// <summary>Derived charging state: 0 idle, 1 charging, 2 full (enum).</summary>
    ChargeState,
}

/// <summary>The unit and physical range of a <see cref="Quantity"/>.</summary>
/// <param name="Unit">The only unit accepted on the wire (UCUM-style symbols).</param>
/// <param name="Min">Smallest physically plausible value.</param>
/// <param name="Max">Largest physically plausible value.</param>
/// <param name="WholeNumbersOnly">True for states (bool, enum): the value must be a whole number.</param>
public sealed record QuantityInfo(string Unit, double Min, double Max, bool WholeNumbersOnly = false);

/// <summary>The catalogue of quantities, units and physical ranges.</summary>
public static class Quantities
{
    private static readonly Dictionary<Quantity, QuantityInfo> Catalogue = new()
    {
        [Quantity.Current] = new("A", -50, 50),
        [Quantity.Voltage] = new("V", 0, 500),
        [Quantity.Power] = new("W", -100, 25_000),
        [Quantity.Energy] = new("Wh", 0, 100_000_000),
        [Quantity.Illuminance] = new("lx", 0, 200_000),
        [Quantity.Temperature] = new("Cel", -55, 200),
        [Quantity.Distance] = new("cm", 0, 1_000),
        [Quantity.WaterLevel] = new("cm", -50, 1_000),
        [Quantity.RiseRate] = new("cm/min", -1_000, 1_000),
        [Quantity.Pressure] = new("kPa", 0, 1_000),
        [Quantity.Contact] = new("bool", 0, 1, true),
        [Quantity.Locked] = new("bool", 0, 1, true),
        [Quantity.Smoke] = new("bool", 0, 1, true),
        [Quantity.FloatSwitch] = new("bool", 0, 1, true),
        [Quantity.Relay] = new("bool", 0, 1, true),
        [Quantity.LampOn] = new("bool", 0, 1, true),
        [Quantity.ChargeState] = new("enum", 0, 2, true),
    };

    /// <summary>The unit and range of <paramref name="quantity"/>.</summary>
    public static QuantityInfo Of(Quantity quantity) => Catalogue[quantity];

    /// <summary>The unit of <paramref name="quantity"/>.</summary>
    public static string UnitOf(Quantity quantity) => Catalogue[quantity].Unit;

    /// <summary>Why <paramref name="value"/> cannot be a reading of <paramref name="quantity"/>, or null.</summary>
    public static string? ValueProblem(Quantity quantity, double value)
    {
        var info = Catalogue[quantity];
        if (!double.IsFinite(value))
        {
            return "must be a finite number";
        }

        if (value < info.Min || value > info.Max)
        {
            return $"{value} {info.Unit} is outside the physical range of {WireNames.Of(quantity)} ({info.Min} to {info.Max} {info.Unit})";
        }

        return info.WholeNumbersOnly && value != Math.Floor(value)
            ? $"{WireNames.Of(quantity)} is a state; {value} is not one of its whole-number values"
            : null;
    }
}
