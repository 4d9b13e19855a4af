using System.Device.I2c;
using Iot.Device.Ads1115;
using Iot.Edge.Sensors.Ac;

namespace Iot.Edge.Hardware;

/// <summary>
/// One ADS1115 whose four single-ended inputs carry current transformers (a CT per outlet or lamp circuit, each on a
/// bias of about half the 3.3 V supply). It converts continuously at 860 samples a second, about 17 per mains cycle,
/// over ±4.096 V (0.125 mV steps): enough to resolve the waveform and its low harmonics. A window is taken on one
/// input at a time (the chip has one converter behind its multiplexer), so the chip's channels are read in turn
/// under its lock; separate chips (addresses 0x48 to 0x4B) are read in parallel.
/// </summary>
public sealed class CtAdc : IDisposable
{
    /// <summary>Conversions a second (the ADS1115's fastest data rate).</summary>
    public const double SamplesPerSecond = 860;

    /// <summary>China's mains frequency, Hz.</summary>
    public const double MainsHz = 50;

    /// <summary>Whole mains cycles in a window: 100 ms, 86 conversions.</summary>
    public const int Cycles = 5;

    /// <summary>How close to a rail (0 V or the supply) a sample counts as clipped, V.</summary>
    public const double RailMarginVolts = 0.01;

    private readonly Ads1115 _adc;
    private readonly SampleClock _clock;
    private readonly Lock _gate = new();

    /// <summary>Configures the chip for continuous conversion (the binding's constructor writes the config).</summary>
    /// <param name="device">The chip's I2C device.</param>
    /// <param name="clock">Paces the reads.</param>
    /// <param name="supplyVolts">The chip's and the CT bias circuit's supply (3.3 V on a Pi): the upper rail.</param>
    public CtAdc(I2cDevice device, SampleClock clock, double supplyVolts = 3.3)
    {
        _adc = new Ads1115(device, InputMultiplexer.AIN0, MeasuringRange.FS4096, DataRate.SPS860, DeviceMode.Continuous);
        _clock = clock;
        SupplyVolts = supplyVolts;
    }

    /// <summary>The upper rail, V.</summary>
    public double SupplyVolts { get; }

    /// <summary>Set after an I/O error: the chip may have lost its configuration, so the board opens it afresh.</summary>
    public bool Broken { get; private set; }

    /// <summary>Takes one window (<see cref="Cycles"/> mains cycles) of input <paramref name="channel"/>.</summary>
    /// <exception cref="IOException">The chip did not answer.</exception>
    public AcWindow Measure(int channel)
    {
        var window = Cycles / MainsHz;
        var period = 1 / SamplesPerSecond;
        var capacity = (int)Math.Ceiling(window * SamplesPerSecond * 1.5) + 4;
        var seconds = new double[capacity];
        var volts = new double[capacity];
        var n = 0;
        lock (_gate)
        {
            try
            {
                _adc.ReadRaw(InputMultiplexer.AIN0 + channel); // switch the multiplexer; the binding waits out the settling conversions
                do
                {
                    _clock.AwaitConversion(period);
                    seconds[n] = _clock.Seconds;
                    volts[n] = _adc.RawToVoltage(_adc.ReadRaw()).Volts;
                    n++;
                }
                while (n < capacity && seconds[n - 1] - seconds[0] + period < window - 1e-9);
            }
            catch (Exception e) when (e is IOException or TimeoutException)
            {
                Broken = true;
                throw new IOException(e.Message, e);
            }
        }

        return AcRms.Measure(seconds.AsSpan(0, n), volts.AsSpan(0, n), MainsHz, RailMarginVolts, SupplyVolts - RailMarginVolts);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            _adc.Dispose(); // the binding powers the chip down first: a chip that is gone cannot be
        }
        catch (IOException)
        {
            // nothing to power down
        }
    }
}
