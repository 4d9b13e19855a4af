using System.Buffers.Binary;
using System.Globalization;

namespace Iot.Edge.Hardware;

/// <summary>
/// An HC-SR04 read through the Linux kernel's srf04 IIO driver (drivers/iio/proximity/srf04.c). The driver timestamps
/// the echo's edges in its GPIO interrupt handler, so a busy agent (MQTT, fsync, GC) cannot stretch or shorten a
/// reading the way a thread polling the echo pin against a stopwatch does.
/// </summary>
/// <remarks>
/// What this relies on, from the driver and the IIO core: a device-tree node with compatible "devantech,srf04" and
/// <c>trig-gpios</c>/<c>echo-gpios</c> (firmware-config/pi/iot-hcsr04-overlay.dts makes one per sensor) becomes an IIO
/// device named "srf04" whose <c>of_node</c> is that node; reading <c>in_distance_raw</c> triggers one measurement and
/// returns whole millimetres (scale 0.001 m, speed of sound taken at 20 °C); a missing echo or one beyond 6.45 m fails
/// the read with an I/O error. Several sensors are told apart by the trigger pin in their node's <c>trig-gpios</c>
/// (big-endian cells: controller phandle, pin, flags).
/// </remarks>
internal static class IioRangeFinder
{
    /// <summary>Where the kernel lists its IIO devices.</summary>
    public const string Devices = "/sys/bus/iio/devices";

    /// <summary>
    /// A reader for the srf04 device on <paramref name="triggerPin"/>, or null when the kernel has none for it (stock
    /// Raspberry Pi OS kernels are built without the driver; then the agent times the echo itself).
    /// </summary>
    /// <exception cref="IOException">The device for that trigger pin listens on another echo pin than the manifest says.</exception>
    public static Func<double>? TryOpen(int triggerPin, int echoPin, string devices = Devices)
    {
        var found = Directory.Exists(devices)
            ? Directory.EnumerateDirectories(devices, "iio:device*")
                .Where(d => File.Exists(Path.Combine(d, "name")) && File.ReadAllText(Path.Combine(d, "name")).Trim() == "srf04")
                .Select(d => (Folder: d, Trigger: Pin(d, "trig-gpios"), Echo: Pin(d, "echo-gpios")))
                .ToList()
            : [];
        var match = found.FirstOrDefault(f => f.Trigger == triggerPin);
        if (match.Folder is null)
        {
            return null;
        }

        if (match.Echo != echoPin)
        {
            throw new IOException($"the srf04 device on trigger GPIO {triggerPin} listens on echo GPIO {match.Echo}, but the manifest says {echoPin}");
        }

        var raw = Path.Combine(match.Folder, "in_distance_raw");
        // Blocks for one echo (at most about 70 ms); IOException when none came back.
        return () => int.Parse(File.ReadAllText(raw).AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture) / 10.0;
    }

    private static int? Pin(string device, string property)
    {
        var file = Path.Combine(device, "of_node", property);
        if (!File.Exists(file))
        {
            return null;
        }

        var cells = File.ReadAllBytes(file);
        return cells.Length >= 8 ? (int)BinaryPrimitives.ReadUInt32BigEndian(cells.AsSpan(4, 4)) : null;
    }
}
