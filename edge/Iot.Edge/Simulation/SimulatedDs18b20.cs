using System.Globalization;
using System.Text;

namespace Iot.Edge.Simulation;

/// <summary>
/// A DS18B20 as the Linux w1-therm driver presents it: the <c>w1_slave</c> text with the 9-byte scratchpad
/// (12-bit temperature in 1/16 °C), its Dallas CRC-8 and the kernel's <c>crc=.. YES</c> verdict. The OneWire
/// binding reads that file from fixed /sys paths, so the simulation hands the same text to the same parser.
/// </summary>
public sealed class SimulatedDs18b20(string id)
{
    /// <summary>The 1-Wire id, e.g. <c>28-0316a2794e01</c>.</summary>
    public string Id { get; } = id;

    /// <summary>Probe temperature, °C (set by the physical model).</summary>
    public double Celsius { get; set; }

    /// <summary>When true, the bus returns a scratchpad with a bad CRC, as a loose wire does.</summary>
    public bool Noisy { get; set; }

    /// <summary>When true, the probe is off the bus: the kernel removes its folder, so reading it fails with an I/O error.</summary>
    public bool Unplugged { get; set; }

    /// <summary>When true, the reader gives NaN (what a driver holding no finished conversion may hand over).</summary>
    public bool Garbled { get; set; }

    /// <summary>The <c>w1_slave</c> file's content now.</summary>
    public string W1SlaveText()
    {
        if (Unplugged)
        {
            throw new IOException($"/sys/bus/w1/devices/{Id}/w1_slave: No such device");
        }

        var raw = (short)Math.Clamp(Math.Round(Celsius * 16), -55 * 16, 125 * 16);
        byte[] scratchpad = [(byte)(raw & 0xFF), (byte)(raw >> 8), 0x4B, 0x46, 0x7F, 0xFF, 0x0C, 0x10, 0];
        scratchpad[8] = Crc8(scratchpad.AsSpan(0, 8));
        if (Noisy)
        {
            scratchpad[1] ^= 0x10;
        }

        var hex = string.Join(' ', scratchpad.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        var ok = Crc8(scratchpad.AsSpan(0, 8)) == scratchpad[8] ? "YES" : "NO";
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"{hex} : crc={scratchpad[8]:x2} {ok}\n");
        builder.Append(CultureInfo.InvariantCulture, $"{hex} t={raw * 1000 / 16}\n");
        return builder.ToString();
    }

    // Dallas/Maxim CRC-8, polynomial x^8 + x^5 + x^4 + 1 (0x8C reflected).
    private static byte Crc8(ReadOnlySpan<byte> data)
    {
        byte crc = 0;
        foreach (var b in data)
        {
            var x = b;
            for (var i = 0; i < 8; i++)
            {
                var mix = (byte)((crc ^ x) & 1);
                crc >>= 1;
                if (mix != 0)
                {
                    crc ^= 0x8C;
                }

                x >>= 1;
            }
        }

        return crc;
    }
}
