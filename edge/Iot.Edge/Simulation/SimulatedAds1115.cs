using System.Buffers.Binary;
using System.Device.I2c;

namespace Iot.Edge.Simulation;

/// <summary>
/// A TI ADS1115 at the register level (datasheet SBAS444): conversion, config (OS, MUX, PGA, MODE, DR,
/// comparator) and the two threshold registers. Writing the config with OS set converts the selected input at
/// once (the OS bit then reads 1, "not converting"), clipped at the PGA's full scale.
/// </summary>
public sealed class SimulatedAds1115(int bus, int address) : I2cDevice
{
    private static readonly double[] FullScale = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256];
    private readonly Lock _gate = new();
    private readonly double[] _inputs = new double[4];
    private ushort _config = 0x8583;
    private ushort _low = 0x8000;
    private ushort _high = 0x7FFF;
    private short _conversion;
    private byte _pointer;

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings { get; } = new(bus, address);

    /// <summary>Sets the voltage on input AIN<paramref name="channel"/> against GND.</summary>
    public void SetInput(int channel, double volts)
    {
        lock (_gate)
        {
            _inputs[channel] = volts;
        }
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            _pointer = (byte)(buffer[0] & 0b11);
            if (buffer.Length < 3)
            {
                return;
            }

            var value = BinaryPrimitives.ReadUInt16BigEndian(buffer[1..]);
            switch (_pointer)
            {
                case 1:
                    _config = (ushort)(value & 0x7FFF);
                    if ((value & 0x8000) != 0 || (value & 0x0100) == 0)
                    {
                        Convert();
                    }

                    _config |= 0x8000;
                    break;
                case 2: _low = value; break;
                case 3: _high = value; break;
            }
        }
    }

    /// <inheritdoc />
    public override void Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            var value = _pointer switch
            {
                0 => (ushort)_conversion,
                1 => _config,
                2 => _low,
                _ => _high,
            };
            Span<byte> bytes = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
            bytes[..Math.Min(2, buffer.Length)].CopyTo(buffer);
        }
    }

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private void Convert()
    {
        var mux = (_config >> 12) & 0b111;
        var volts = mux switch
        {
            0 => _inputs[0] - _inputs[1],
            1 => _inputs[0] - _inputs[3],
            2 => _inputs[1] - _inputs[3],
            3 => _inputs[2] - _inputs[3],
            _ => _inputs[mux - 4],
        };
        var fullScale = FullScale[(_config >> 9) & 0b111];
        _conversion = (short)Math.Clamp(Math.Round(volts / fullScale * 32768), short.MinValue, short.MaxValue);
    }
}
