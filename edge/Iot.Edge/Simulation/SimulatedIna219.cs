using System.Buffers.Binary;
using System.Device.I2c;

namespace Iot.Edge.Simulation;

/// <summary>
/// A TI INA219 at the register level (datasheet SBOS448): the shunt voltage register in 10 µV steps, the bus
/// voltage register in 4 mV steps shifted left by 3 with CNVR set, and current and power computed by the chip
/// from the calibration register (equations 4 and 5), clipped at the PGA's range.
/// </summary>
public sealed class SimulatedIna219(int bus, int address, double shuntOhms) : I2cDevice
{
    private const ushort DefaultConfig = 0x399F;
    private readonly Lock _gate = new();
    private ushort _config = DefaultConfig;
    private ushort _calibration;
    private byte _pointer;

    /// <summary>Current through the shunt, A (set by the physical model).</summary>
    public double CurrentA { get; set; }

    /// <summary>Voltage on the load side of the shunt, V.</summary>
    public double BusVolts { get; set; }

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings { get; } = new(bus, address);

    /// <inheritdoc />
    public override void Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            Span<byte> value = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(value, Register(_pointer));
            value[..Math.Min(2, buffer.Length)].CopyTo(buffer);
        }
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            _pointer = buffer[0];
            if (buffer.Length < 3)
            {
                return;
            }

            var value = BinaryPrimitives.ReadUInt16BigEndian(buffer[1..]);
            switch (_pointer)
            {
                case 0x00 when (value & 0x8000) != 0:
                    _config = DefaultConfig;
                    _calibration = 0;
                    break;
                case 0x00:
                    _config = value;
                    break;
                case 0x05:
                    _calibration = (ushort)(value & 0xFFFE); // bit 0 is read-only, always 0
                    break;
            }
        }
    }

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private ushort Register(byte pointer) => pointer switch
    {
        0x00 => _config,
        0x01 => (ushort)ShuntRegister(),
        0x02 => (ushort)(((int)Math.Clamp(Math.Round(BusVolts / 0.004), 0, 8000) << 3) | 0b10),
        0x03 => (ushort)Math.Clamp(CurrentRegister() * BusRegister() / 5000, 0, ushort.MaxValue),
        0x04 => (ushort)(short)Math.Clamp(CurrentRegister(), short.MinValue, short.MaxValue),
        0x05 => _calibration,
        _ => 0,
    };

    private short ShuntRegister()
    {
        var pgaLimitMv = 40 << ((_config >> 11) & 0b11);
        var millivolts = Math.Clamp(CurrentA * shuntOhms * 1000, -pgaLimitMv, pgaLimitMv);
        return (short)Math.Round(millivolts * 100); // LSB 10 µV
    }

    private long BusRegister() => (long)Math.Clamp(Math.Round(BusVolts / 0.004), 0, 8000);

    private long CurrentRegister() => (long)ShuntRegister() * _calibration / 4096;
}
