using System.Globalization;
using System.Text;
using Iot.Protocol.Sites;

namespace Iot.Edge.Provisioning;

/// <summary>
/// What one agent needs from the Pi's boot configuration (<c>config.txt</c>), read from its manifest: I2C bus 1 when
/// any chip sits on it, the 1-Wire overlay on GPIO 4 when a DS18B20 is wired, and an <c>iot-hcsr04</c> overlay per
/// HC-SR04 (firmware-config/pi/iot-hcsr04-overlay.dts, for the kernel's srf04 driver).
/// </summary>
/// <param name="I2cBuses">The I2C buses its chips use.</param>
/// <param name="OneWire">Whether a DS18B20 is wired.</param>
/// <param name="I2cParts">A summary of the I2C chips, for the fragment's comment.</param>
/// <param name="OneWireParts">How many 1-Wire probes.</param>
/// <param name="RangeFinders">The trigger and echo pins of each HC-SR04.</param>
public sealed record PiBootConfig(IReadOnlyList<int> I2cBuses, bool OneWire, string I2cParts, int OneWireParts, IReadOnlyList<(int Trigger, int Echo)> RangeFinders)
{
    /// <summary>The overlay the bundle carries for the HC-SR04s (compiled on the Pi by install.sh).</summary>
    public const string RangeFinderOverlay = "iot-hcsr04";

    /// <summary>Whether config.txt needs anything for this agent.</summary>
    public bool NeedsBootChanges => I2cBuses.Count > 0 || OneWire || RangeFinders.Count > 0;

    /// <summary>Reads what <paramref name="agent"/> needs.</summary>
    public static PiBootConfig For(AgentManifest agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var parts = agent.Devices.SelectMany(d => d.Parts).ToList();
        var i2c = parts.Where(p => DeviceCatalog.Drivers.TryGetValue(p.Driver, out var spec) && spec.Attachment == Attachment.I2c).ToList();
        var oneWire = parts.Count(p => DeviceCatalog.Drivers.TryGetValue(p.Driver, out var spec) && spec.Attachment == Attachment.OneWire);
        var summary = string.Join(", ", i2c.GroupBy(p => p.Driver).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {g.Key} ({string.Join(' ', g.Select(p => p.Address).Distinct())})")));
        var rangeFinders = parts.Where(p => DeviceCatalog.Drivers.TryGetValue(p.Driver, out var spec) && spec.Attachment == Attachment.TriggerEcho
            && p.TriggerPin is not null && p.EchoPin is not null).Select(p => (p.TriggerPin!.Value, p.EchoPin!.Value)).ToList();
        return new PiBootConfig([.. i2c.Select(p => p.Bus ?? 1).Distinct().Order()], oneWire > 0, summary, oneWire, rangeFinders);
    }

    /// <summary>The lines the install script puts into config.txt, between its markers.</summary>
    public string Fragment(string agent)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Agent {agent}: made by `iot-edge provision bundle` from its manifest. Takes effect after a reboot.\n");
        foreach (var bus in I2cBuses)
        {
            if (bus == 1)
            {
                text.Append(CultureInfo.InvariantCulture, $"# I2C bus 1 on GPIO 2 (SDA, header pin 3) and GPIO 3 (SCL, pin 5): {I2cParts}.\n");
                if (I2cParts.Contains("ct-ads1115", StringComparison.Ordinal))
                {
                    // Each ADS1115 carrying CTs is read 860 times a second while a window is taken: about 0.55 ms a read at
                    // 100 kHz, so three chips read in parallel would need more than the whole bus.
                    text.Append("# 400 kHz: the current transformers' ADS1115s are read 860 times a second each. Keep the I2C wiring short\n");
                    text.Append("# (the ADS1115s beside the Pi in the enclosure; a BH1750 on a pole within about 3 m, or behind a bus extender).\n");
                    text.Append("dtparam=i2c_arm=on\ndtparam=i2c_arm_baudrate=400000\n");
                }
                else
                {
                    text.Append("# 100 kHz tolerates long courtyard cable runs.\n");
                    text.Append("dtparam=i2c_arm=on\ndtparam=i2c_arm_baudrate=100000\n");
                }
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"# I2C bus {bus} is in the manifest but not enabled here: add its dtoverlay (e.g. i2c-gpio,bus={bus},...) by hand.\n");
            }
        }

        if (OneWire)
        {
            text.Append(CultureInfo.InvariantCulture, $"# 1-Wire on GPIO 4 (header pin 7) for {OneWireParts} DS18B20 probe(s); a 4.7 kOhm pull-up from data to 3.3 V.\n");
            text.Append("dtoverlay=w1-gpio,gpiopin=4\n");
        }

        if (RangeFinders.Count > 0)
        {
            text.Append("# HC-SR04 level sensors, read through the kernel's srf04 driver, which times each echo in its interrupt handler.\n");
            text.Append(CultureInfo.InvariantCulture, $"# {RangeFinderOverlay}.dtbo is compiled by install.sh from the bundle; the kernel needs the srf04 module (CONFIG_SRF04).\n");
            foreach (var (trigger, echo) in RangeFinders)
            {
                text.Append(CultureInfo.InvariantCulture, $"dtoverlay={RangeFinderOverlay},trig-pin={trigger},echo-pin={echo}\n");
            }
        }

        if (!NeedsBootChanges)
        {
            text.Append("# This agent uses GPIO pins only: nothing to enable.\n");
        }

        return text.ToString();
    }
}
