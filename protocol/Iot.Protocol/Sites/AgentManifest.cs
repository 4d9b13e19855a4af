using System.Text.Json.Serialization;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Protocol.Sites;

/// <summary>
/// One edge agent (a Raspberry Pi) and the devices wired to it. This slice of the manifest is also the
/// agent's desired configuration (<see cref="DesiredConfig"/>).
/// </summary>
/// <param name="Id">Pinyin id, unique in the site.</param>
/// <param name="Devices">The devices the agent reads.</param>
/// <param name="SampleSeconds">Seconds between samples of each sensor (default 1).</param>
public sealed record AgentManifest(AgentId Id, IReadOnlyList<DeviceManifest> Devices, double SampleSeconds = 1);

/// <summary>The four kinds of courtyard device.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<DeviceKind>))]
public enum DeviceKind
{
    /// <summary>A streetlight (路灯): lamp current and voltage, ambient light, a relay.</summary>
    Streetlight,

    /// <summary>An access gate (门禁): reed switch and lock feedback.</summary>
    Gate,

    /// <summary>A drainage point (排水): water level and a high-water float switch.</summary>
    Drain,

    /// <summary>An e-bike charging station (电动车充电): per-outlet current and relay, temperature, smoke.</summary>
    Charger,
}

/// <summary>One device of an agent.</summary>
/// <param name="Id">Pinyin id, unique on its agent, e.g. <c>lamp-01</c>.</param>
/// <param name="Kind">Streetlight, gate, drain or charger.</param>
/// <param name="Name">Where it is, in Chinese, e.g. 3栋楼道口.</param>
/// <param name="Parts">The chips and pins it is built from.</param>
/// <param name="Thresholds">Named thresholds; which names apply depends on the kind (see <see cref="DeviceCatalog"/>).</param>
/// <param name="At">Position on the courtyard plan, m.</param>
public sealed record DeviceManifest(
    DeviceId Id,
    DeviceKind Kind,
    string Name,
    IReadOnlyList<PartManifest> Parts,
    IReadOnlyDictionary<string, Threshold>? Thresholds = null,
    PlanPoint? At = null);

/// <summary>A point on a courtyard plan, m.</summary>
/// <param name="X">From the left edge.</param>
/// <param name="Y">From the top edge.</param>
public sealed record PlanPoint(double X, double Y);

/// <summary>
/// One chip or pin of a device. Which fields apply depends on the driver: I2C chips take
/// <see cref="Bus"/> and <see cref="Address"/>; GPIO inputs and relays take <see cref="Pin"/>;
/// the HC-SR04 takes <see cref="TriggerPin"/> and <see cref="EchoPin"/>; a DS18B20 takes <see cref="OneWireId"/>; a current
/// transformer on an ADS1115 takes <see cref="Bus"/>, <see cref="Address"/>, <see cref="Channel"/> and <see cref="AmpsPerVolt"/>.
/// </summary>
/// <param name="Role">What the part does in its device (<c>current</c>, <c>light</c>, <c>relay</c>, <c>reed</c>, ...).</param>
/// <param name="Driver">The driver that reads it (<c>ina219</c>, <c>bh1750</c>, <c>gpio-relay</c>, ...).</param>
/// <param name="Outlet">For charging stations: the outlet the part serves, from 1.</param>
/// <param name="Bus">I2C bus number (1 on a Raspberry Pi).</param>
/// <param name="Address">I2C address in hex as <c>i2cdetect</c> shows it, e.g. <c>0x40</c>.</param>
/// <param name="Pin">GPIO pin, BCM numbering.</param>
/// <param name="TriggerPin">HC-SR04 trigger pin, BCM.</param>
/// <param name="EchoPin">HC-SR04 echo pin, BCM (through a 5 V to 3.3 V divider).</param>
/// <param name="Channel">ADC input channel (ADS1115: 0 to 3).</param>
/// <param name="OneWireId">1-Wire device id, e.g. <c>28-0316a2794eff</c>.</param>
/// <param name="ActiveLow">True when the pin reads or drives low for "active".</param>
/// <param name="ShuntOhms">INA219 shunt resistance, ohm.</param>
/// <param name="MaxCurrentA">INA219 expected maximum current, A (sets the calibration).</param>
/// <param name="MountHeightCm">HC-SR04: height of the sensor above the drain's floor, cm.</param>
/// <param name="FullScaleKpa">Pressure sensor: kPa at full scale of its output.</param>
/// <param name="AmpsPerVolt">Current transformer (<c>ct-ads1115</c>): its rating, A RMS per V RMS of output (5 for an SCT-013-005).</param>
public sealed record PartManifest(
    string Role,
    string Driver,
    int? Outlet = null,
    int? Bus = null,
    string? Address = null,
    int? Pin = null,
    int? TriggerPin = null,
    int? EchoPin = null,
    int? Channel = null,
    string? OneWireId = null,
    bool? ActiveLow = null,
    double? ShuntOhms = null,
    double? MaxCurrentA = null,
    double? MountHeightCm = null,
    double? FullScaleKpa = null,
    double? AmpsPerVolt = null);

/// <summary>
/// A threshold with hysteresis. A high threshold raises <see cref="Above"/> and clears below
/// <see cref="ClearBelow"/>; a low threshold raises <see cref="Below"/> and clears above <see cref="ClearAbove"/>.
/// <see cref="ForSeconds"/> is how long the condition must hold before it counts.
/// </summary>
/// <param name="Above">Raise when the value rises above this.</param>
/// <param name="ClearBelow">Clear when the value falls below this (must not exceed <see cref="Above"/>).</param>
/// <param name="Below">Raise when the value falls below this.</param>
/// <param name="ClearAbove">Clear when the value rises above this (must not be under <see cref="Below"/>).</param>
/// <param name="ForSeconds">Minimum duration, s.</param>
public sealed record Threshold(
    double? Above = null,
    double? ClearBelow = null,
    double? Below = null,
    double? ClearAbove = null,
    double? ForSeconds = null);
