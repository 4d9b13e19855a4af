using System.Buffers.Binary;
using System.Device.I2c;

namespace Iot.Edge.Simulation;

/// <summary>
/// A TI ADS1115 at the register level (datasheet SBAS444): conversion, config (OS, MUX, PGA, MODE, DR,
/// comparator) and the two threshold registers. Writing the config with OS set converts the selected input at
/// once (the OS bit then reads 1, "not converting"), clipped at the PGA's full scale. In continuous mode (MODE 0) every
/// read of the conversion register returns the next conversion at the data rate, taken from the input's waveform at
/// that instant of the simulated clock (<see cref="NowSeconds"/>): as if the reader were paced by the chip's
/// conversion-ready signal, so a window of reads samples a 50 Hz waveform exactly as the chip would.
/// </summary>
public sealed class SimulatedAds1115(int bus, int address) : I2cDevice
{
    private static readonly double[] FullScale = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256];
    private static readonly double[] DataRate = [8, 16, 32, 64, 128, 250, 475, 860];
    private readonly Func<double, double>?[] _waveforms = new Func<double, double>?[4];
    private double _nextConversion;
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

    /// <summary>The simulated clock, s since the model started (the physical model moves it).</summary>
    public double NowSeconds { get; set; }

    /// <summary>Drives input AIN<paramref name="channel"/> from a waveform: volts at a time in s (e.g. a CT on its bias).</summary>
    public void SetWaveform(int channel, Func<double, double> voltsAt)
    {
        lock (_gate)
        {
            _waveforms[channel] = voltsAt;
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
                        Convert(Math.Max(_nextConversion, NowSeconds));
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
            if (_pointer == 0 && (_config & 0x0100) == 0)
            {
                var at = Math.Max(_nextConversion, NowSeconds);
                Convert(at);
                _nextConversion = at + (1 / DataRate[(_config >> 5) & 0b111]);
            }

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

    private void Convert(double at)
    {
        var mux = (_config >> 12) & 0b111;
        double Input(int channel) => _waveforms[channel] is { } wave ? wave(at) : _inputs[channel];
        var volts = mux switch
        {
            0 => Input(0) - Input(1),
            1 => Input(0) - Input(3),
            2 => Input(1) - Input(3),
            3 => Input(2) - Input(3),
            _ => Input(mux - 4),
        };
        var fullScale = FullScale[(_config >> 9) & 0b111];
        _conversion = (short)Math.Clamp(Math.Round(volts / fullScale * 32768), short.MinValue, short.MaxValue);
    }
}
