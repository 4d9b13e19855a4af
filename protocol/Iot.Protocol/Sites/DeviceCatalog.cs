namespace Iot.Protocol.Sites;

/// <summary>How a driver is attached to the Raspberry Pi.</summary>
public enum Attachment
{
    /// <summary>An I2C chip: bus and address.</summary>
    I2c,

    /// <summary>One GPIO pin (input or relay output).</summary>
    GpioPin,

    /// <summary>An HC-SR04: a trigger pin and an echo pin.</summary>
    TriggerEcho,

    /// <summary>A 1-Wire sensor on the kernel's w1 bus (GPIO 4 by default).</summary>
    OneWire,
}

/// <summary>A driver the edge agent knows.</summary>
/// <param name="Name">As written in manifests.</param>
/// <param name="Attachment">How it is wired.</param>
/// <param name="Part">The real part, for technicians.</param>
public sealed record DriverSpec(string Name, Attachment Attachment, string Part);

/// <summary>A role a part can play in a device.</summary>
/// <param name="Role">As written in manifests.</param>
/// <param name="Drivers">Drivers that can fill it.</param>
/// <param name="Required">Whether every device of the kind needs it.</param>
/// <param name="PerOutlet">For chargers: one per outlet, numbered.</param>
public sealed record RoleSpec(string Role, IReadOnlyList<string> Drivers, bool Required, bool PerOutlet = false);

/// <summary>Which threshold form a named threshold takes.</summary>
public enum ThresholdShape
{
    /// <summary><c>above</c> and <c>clearBelow</c>.</summary>
    High,

    /// <summary><c>below</c> and <c>clearAbove</c>.</summary>
    Low,

    /// <summary><c>forSeconds</c> only.</summary>
    Duration,
}

/// <summary>A named threshold of a device kind, with the value used when a manifest does not set it.</summary>
/// <param name="Name">As written in manifests.</param>
/// <param name="Shape">High, low or duration.</param>
/// <param name="Default">The value used when the manifest is silent.</param>
/// <param name="Ceiling">For thresholds that keep people safe, the loosest setting any manifest or config may give.</param>
public sealed record ThresholdSpec(string Name, ThresholdShape Shape, Threshold Default, SafetyCeiling? Ceiling = null);

/// <summary>
/// The loosest a safety threshold may be set, compiled into the agent (which reads this table) and the site validator:
/// configuration can make safety stricter, never weaker, whoever writes it.
/// </summary>
/// <param name="Above">The highest <c>above</c> allowed.</param>
/// <param name="ForSeconds">The longest <c>forSeconds</c> allowed.</param>
/// <param name="Unit">The unit of <paramref name="Above"/>, for messages.</param>
public sealed record SafetyCeiling(double Above, double ForSeconds, string Unit);

/// <summary>
/// What each device kind is made of: the roles its parts play, the drivers that fill them, and its
/// thresholds with their defaults. The manifest validator and the edge agent both read this table.
/// </summary>
public static class DeviceCatalog
{
    /// <summary>Every driver, by manifest name.</summary>
    public static readonly IReadOnlyDictionary<string, DriverSpec> Drivers = new[]
    {
        new DriverSpec("ina219", Attachment.I2c, "TI INA219 current/voltage monitor (DC up to 26 V: 12/24 V lamps)"),
        new DriverSpec("ct-ads1115", Attachment.I2c, "current transformer (SCT-013 / ZMCT103C) on one input of a TI ADS1115 (220 V AC circuits)"),
        new DriverSpec("bh1750", Attachment.I2c, "ROHM BH1750FVI ambient light sensor"),
        new DriverSpec("ads1115", Attachment.I2c, "TI ADS1115 16-bit ADC with a 0.5-4.5 V pressure transmitter"),
        new DriverSpec("lm75", Attachment.I2c, "LM75 temperature sensor"),
        new DriverSpec("ds18b20", Attachment.OneWire, "Maxim DS18B20 temperature probe"),
        new DriverSpec("hcsr04", Attachment.TriggerEcho, "HC-SR04 / JSN-SR04T ultrasonic distance sensor"),
        new DriverSpec("gpio-input", Attachment.GpioPin, "switch contact on a GPIO input (reed, lock feedback, float, smoke relay output)"),
        new DriverSpec("gpio-relay", Attachment.GpioPin, "relay module on a GPIO output"),
    }.ToDictionary(d => d.Name, StringComparer.Ordinal);

    private static readonly Dictionary<DeviceKind, RoleSpec[]> RoleTable = new()
    {
        [DeviceKind.Streetlight] =
        [
            new("current", ["ina219", "ct-ads1115"], Required: true),
            new("light", ["bh1750"], Required: false),
            new("relay", ["gpio-relay"], Required: true),
        ],
        [DeviceKind.Gate] =
        [
            new("reed", ["gpio-input"], Required: true),
            new("lock", ["gpio-input"], Required: false),
        ],
        [DeviceKind.Drain] =
        [
            new("level", ["hcsr04", "ads1115"], Required: true),
            new("float", ["gpio-input"], Required: false),
        ],
        [DeviceKind.Charger] =
        [
            new("current", ["ct-ads1115", "ina219"], Required: true, PerOutlet: true),
            new("relay", ["gpio-relay"], Required: true, PerOutlet: true),
            new("temperature", ["ds18b20", "lm75"], Required: true),
            new("smoke", ["gpio-input"], Required: true),
        ],
    };

    private static readonly Dictionary<DeviceKind, ThresholdSpec[]> ThresholdTable = new()
    {
        [DeviceKind.Streetlight] =
        [
            new("burntOutCurrentA", ThresholdShape.Low, new(Below: 0.05, ClearAbove: 0.1, ForSeconds: 10)),
            new("abnormalCurrentA", ThresholdShape.High, new(Above: 1.5, ClearBelow: 1.2, ForSeconds: 30)),
            new("daylightLux", ThresholdShape.High, new(Above: 400, ClearBelow: 200, ForSeconds: 300)),
        ],
        [DeviceKind.Gate] =
        [
            new("heldOpen", ThresholdShape.Duration, new(ForSeconds: 120)),
        ],
        [DeviceKind.Drain] =
        [
            // Water a metre deep floods ground floors; an alarm held back five minutes comes too late to move anything.
            new("waterLevelCm", ThresholdShape.High, new(Above: 30, ClearBelow: 20, ForSeconds: 30), new SafetyCeiling(100, 300, "cm")),
            new("riseRateCmPerMin", ThresholdShape.High, new(Above: 2, ClearBelow: 0.5, ForSeconds: 60), new SafetyCeiling(10, 300, "cm/min")),
        ],
        [DeviceKind.Charger] =
        [
            // An e-bike charger draws under 2 A at 220 V; 5 A is a fault on any outlet. The cabinet at 70 °C is a battery
            // going wrong. Either must cut within a second.
            new("overCurrentA", ThresholdShape.High, new(Above: 3, ClearBelow: 2.5, ForSeconds: 0), new SafetyCeiling(5, 1, "A")),
            new("overTemperatureC", ThresholdShape.High, new(Above: 60, ClearBelow: 45, ForSeconds: 0), new SafetyCeiling(70, 1, "Cel")),
            new("fullCurrentA", ThresholdShape.Low, new(Below: 0.15, ClearAbove: 0.3, ForSeconds: 60)),
        ],
    };

    /// <summary>The roles of <paramref name="kind"/>'s parts.</summary>
    public static IReadOnlyList<RoleSpec> RolesOf(DeviceKind kind) => RoleTable[kind];

    /// <summary>The thresholds <paramref name="kind"/> understands, with defaults.</summary>
    public static IReadOnlyList<ThresholdSpec> ThresholdsOf(DeviceKind kind) => ThresholdTable[kind];

    /// <summary>The threshold <paramref name="name"/> of <paramref name="device"/>: its manifest value, else the default.</summary>
    public static Threshold ThresholdOf(DeviceManifest device, string name)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.Thresholds is not null && device.Thresholds.TryGetValue(name, out var t)
            ? t
            : ThresholdTable[device.Kind].First(s => s.Name == name).Default;
    }
}
