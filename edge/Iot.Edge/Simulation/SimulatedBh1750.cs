using System.Buffers.Binary;
using System.Device.I2c;

namespace Iot.Edge.Simulation;

/// <summary>
/// A ROHM BH1750FVI at the command level (datasheet rev. D): power on/off, reset, measurement modes and the
/// measurement-time register. A read returns the count lx × 1.2 × (MTreg / 69), halved resolution in H-mode 2.
/// </summary>
public sealed class SimulatedBh1750(int bus, int address) : I2cDevice
{
    private readonly Lock _gate = new();
    private bool _powered;
    private byte _mode;
    private int _mtreg = 69;
    private int _mtHigh = 69 >> 5;

    /// <summary>Illuminance at the sensor, lx (set by the physical model).</summary>
    public double Lux { get; set; }

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings { get; } = new(bus, address);

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            foreach (var command in buffer)
            {
                switch (command)
                {
                    case 0x00: _powered = false; break;
                    case 0x01: _powered = true; break;
                    case 0x07: break; // reset clears the data register only
                    case 0x10 or 0x11 or 0x13 or 0x20 or 0x21 or 0x23: _mode = command; break;
                    case >= 0x40 and <= 0x47: _mtHigh = command & 0b111; break;
                    case >= 0x60 and <= 0x7F: _mtreg = (_mtHigh << 5) | (command & 0b1_1111); break;
                }
            }
        }
    }

    /// <inheritdoc />
    public override void Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            double count = _powered && _mode != 0 ? Lux * 1.2 * (_mtreg / 69.0) : 0;
            if (_mode is 0x11 or 0x21)
            {
                count *= 2; // H-resolution mode 2 counts in half-lux steps
            }

            Span<byte> value = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(value, (ushort)Math.Clamp(Math.Round(count), 0, ushort.MaxValue));
            value[..Math.Min(2, buffer.Length)].CopyTo(buffer);
            if (_mode is 0x20 or 0x21 or 0x23)
            {
                _powered = false; // one-time modes power down after the measurement
            }
        }
    }

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }
}
