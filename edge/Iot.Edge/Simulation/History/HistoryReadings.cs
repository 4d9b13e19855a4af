using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Edge.Simulation.History;

/// <summary>
/// What a device's sensors read at a past moment, computed from the same sky (<see cref="Weather"/>) and the same
/// physical figures the live models use (a lamp's current, a drain's level after rain, a charger's temperature), plus
/// the week's <see cref="PastFault"/>s. Evaluated at a time rather than stepped through it, so a week costs a few
/// milliseconds per device instead of a simulation of every second. The signals are the ones the agent's drivers
/// report for every build of the device (the optional ones, such as a lamp's light sensor, when the part is there).
/// </summary>
public sealed class HistoryReadings(Weather weather, IReadOnlyList<PastFault> faults, int seed)
{
    private const double MainsVolts = 220;

    /// <summary>Adds the readings of <paramref name="device"/> of <paramref name="agent"/> at <paramref name="at"/> to <paramref name="into"/>.</summary>
    public void Sample(AgentId agent, DeviceManifest device, DateTimeOffset at, List<Reading> into)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(into);
        var noise = Noise(agent, device.Id, at);
        switch (device.Kind)
        {
            case DeviceKind.Streetlight:
                Lamp(agent, device, at, noise, into);
                break;
            case DeviceKind.Gate:
                var forced = Active(PastFaultKind.GateForced, agent, device.Id, at) is not null;
                into.Add(new Reading(SensorId.Of(device.Id, "contact"), Quantity.Contact, forced ? 1 : 0, at));
                break;
            case DeviceKind.Drain:
                var level = DrainLevel(agent, device.Id, at);
                var rate = (level - DrainLevel(agent, device.Id, at - TimeSpan.FromMinutes(10))) / 10;
                into.Add(new Reading(SensorId.Of(device.Id, "level"), Quantity.WaterLevel, Math.Round(level + (noise * 0.4), 1), at));
                into.Add(new Reading(SensorId.Of(device.Id, "rise-rate"), Quantity.RiseRate, Math.Round(rate, 2), at));
                if (device.Parts.Any(p => p.Role == "float"))
                {
                    into.Add(new Reading(SensorId.Of(device.Id, "float"), Quantity.FloatSwitch, FloatUp(level) ? 1 : 0, at));
                }

                break;
            default:
                Charger(agent, device, at, noise, into);
                break;
        }
    }

    /// <summary>Whether a drain's float switch is up at <paramref name="level"/> cm (it sits at the 30 cm high-water mark).</summary>
    public static bool FloatUp(double level) => level >= 30;

    /// <summary>The fault of <paramref name="kind"/> on this device at <paramref name="at"/>, if any.</summary>
    public PastFault? Active(PastFaultKind kind, AgentId agent, DeviceId? device, DateTimeOffset at) =>
        faults.FirstOrDefault(f => f.Kind == kind && f.Agent == agent && f.Device == device && f.From <= at && at < f.To);

    private void Lamp(AgentId agent, DeviceManifest device, DateTimeOffset at, double noise, List<Reading> into)
    {
        var mains = device.Parts.Any(p => p.Driver == "ct-ads1115");
        var on = weather.SunElevation(at) < -1; // the agent switches its lamps at dusk and dawn
        var dark = Active(PastFaultKind.LampDark, agent, device.Id, at) is not null;
        var current = !on ? 0 : dark ? 0.004 : (mains ? LampModel.MainsCurrentA : LampModel.LedCurrentA) * (1 + (noise * 0.02));
        var volts = mains ? MainsVolts : LampModel.LedSupplyVolts - (current * 0.3);
        into.Add(new Reading(SensorId.Of(device.Id, "current"), Quantity.Current, Math.Round(current, 3), at));
        if (!mains)
        {
            into.Add(new Reading(SensorId.Of(device.Id, "voltage"), Quantity.Voltage, Math.Round(volts, 2), at));
        }

        into.Add(new Reading(SensorId.Of(device.Id, "power"), Quantity.Power, Math.Round(current * volts, 2), at));
        into.Add(new Reading(SensorId.Of(device.Id, "relay"), Quantity.Relay, on ? 1 : 0, at));
        into.Add(new Reading(SensorId.Of(device.Id, "lamp-on"), Quantity.LampOn, current > 0.1 ? 1 : 0, at));
        if (device.Parts.Any(p => p.Role == "light"))
        {
            into.Add(new Reading(SensorId.Of(device.Id, "light"), Quantity.Illuminance, Math.Round(weather.SkyLux(at) + (current > 0.1 ? 2.5 : 0), 1), at));
        }
    }

    private void Charger(AgentId agent, DeviceManifest device, DateTimeOffset at, double noise, List<Reading> into)
    {
        // Warm from the air and the charging; an overheating battery climbs past 60 °C in the 20 minutes before the cut-off.
        var temperature = Weather.AirTemperature(at) + 4 + noise;
        var hot = faults.FirstOrDefault(f => f.Kind == PastFaultKind.ChargerOverheated && f.Agent == agent && f.Device == device.Id
            && at >= f.From - TimeSpan.FromMinutes(20) && at < f.From + TimeSpan.FromHours(1));
        if (hot is not null)
        {
            var minutes = (at - hot.From).TotalMinutes;
            temperature += minutes < 0 ? 40 * (1 + (minutes / 20)) : 40 * Math.Exp(-minutes / 15);
        }

        into.Add(new Reading(SensorId.Of(device.Id, "temperature"), Quantity.Temperature, Math.Round(temperature, 2), at));
        var local = at.ToOffset(TimeSpan.FromHours(8));
        var evening = local.Hour is >= 19 or < 6;
        foreach (var outlet in device.Parts.Where(p => p.Outlet is not null).Select(p => p.Outlet!.Value).Distinct().Order())
        {
            var cut = Active(PastFaultKind.ChargerOverheated, agent, device.Id, at) is { } f && f.Outlet == outlet;
            var charging = !cut && evening && Noise(agent, device.Id, at.AddMinutes(outlet * 97)) > 0;
            var current = charging ? 1.5 + Noise(agent, device.Id, at.AddHours(outlet)) : 0;
            var prefix = $"o{outlet}-";
            into.Add(new Reading(SensorId.Of(device.Id, prefix + "current"), Quantity.Current, Math.Round(current, 3), at));
            into.Add(new Reading(SensorId.Of(device.Id, prefix + "power"), Quantity.Power, Math.Round(current * MainsVolts, 1), at));
            into.Add(new Reading(SensorId.Of(device.Id, prefix + "relay"), Quantity.Relay, cut ? 0 : 1, at));
        }
    }

    // A few centimetres after ordinary rain. The storm raises every drain, the low-lying or blocked ones (about one in five)
    // past their 30 cm mark, and they drain away in the hour after it.
    private double DrainLevel(AgentId agent, DeviceId drain, DateTimeOffset at)
    {
        var level = 3 + (weather.RainMmPerHour(at) * 0.3);
        var spared = Active(PastFaultKind.Spared, agent, drain, at) is not null;
        foreach (var storm in faults.Where(f => !spared && f.Kind == PastFaultKind.Storm && at >= f.From && at < f.To + TimeSpan.FromHours(1)))
        {
            var peak = 19 + (9 * Noise(agent, drain, storm.From));
            level += peak * Math.Sin(Math.PI * (at - storm.From) / (storm.To - storm.From + TimeSpan.FromHours(1)));
        }

        return Math.Max(0, level);
    }

    // A repeatable number in [-1, 1) for this device at this moment.
    private double Noise(AgentId agent, DeviceId device, DateTimeOffset at)
    {
        // Not string.GetHashCode: it differs between processes, and the week must be the same on every start.
        var name = System.IO.Hashing.XxHash3.HashToUInt64(System.Text.Encoding.UTF8.GetBytes($"{agent}/{device}"), seed);
        var x = name ^ ((ulong)at.ToUnixTimeSeconds() * 0x9E3779B97F4A7C15UL);
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        return ((x >> 11) / (double)(1UL << 53) * 2) - 1;
    }
}
