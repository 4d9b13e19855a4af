using System.Device.I2c;

namespace Iot.Edge.Simulation;

/// <summary>
/// An LM75A at the register level (NXP datasheet): an 11-bit two's-complement temperature in 0.125 °C steps,
/// left-aligned in two bytes, and the configuration register with its shutdown bit.
/// </summary>
public sealed class SimulatedLm75(int bus, int address) : I2cDevice
{
    private readonly Lock _gate = new();
    private byte _pointer;
    private byte _config;

    /// <summary>Die temperature, °C (set by the physical model).</summary>
    public double Celsius { get; set; }

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings { get; } = new(bus, address);

    /// <inheritdoc />
    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            _pointer = (byte)(buffer[0] & 0b11);
            if (buffer.Length >= 2 && _pointer == 1)
            {
                _config = buffer[1];
            }
        }
    }

    /// <inheritdoc />
    public override void Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            if (_pointer == 1)
            {
                buffer[0] = _config;
                return;
            }

            var raw = (short)(Math.Clamp((int)Math.Round(Celsius / 0.125), -440, 1000) << 5);
            buffer[0] = (byte)(raw >> 8);
            if (buffer.Length > 1)
            {
                buffer[1] = (byte)(raw & 0xE0);
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
