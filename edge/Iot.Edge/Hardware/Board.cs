using System.Device.Gpio;
using System.Device.I2c;
using Iot.Edge.Sensors.Ac;

namespace Iot.Edge.Hardware;

/// <summary>
/// What the agent's device code is wired to: GPIO, I2C buses, the 1-Wire bus and HC-SR04 range finders. A Raspberry Pi
/// gives the kernel's; the simulation gives chips in software. The drivers on top are the same either way.
/// </summary>
public abstract class Board : IDisposable
{
    private readonly Dictionary<(int Bus, int Address), CtAdc> _ctAdcs = [];

    /// <summary>The GPIO controller (BCM numbering).</summary>
    public abstract GpioController Gpio { get; }

    /// <summary>Opens the chip at <paramref name="address"/> on I2C bus <paramref name="bus"/>.</summary>
    public abstract I2cDevice OpenI2c(int bus, int address);

    /// <summary>Opens a 1-Wire thermometer; the returned function reads it in °C (throws when the read fails).</summary>
    public abstract Func<double> OpenThermometer(string oneWireId);

    /// <summary>
    /// Opens the HC-SR04 wired to <paramref name="triggerPin"/> and <paramref name="echoPin"/>; the returned function
    /// measures and gives the distance in cm (throws <see cref="IOException"/> when no echo came back). On a Pi the echo
    /// is timed by the kernel's srf04 driver where it is loaded (<see cref="IioRangeFinder"/>), else by the agent
    /// (<see cref="UserSpaceRangeFinder"/>, a median of several echoes).
    /// </summary>
    public abstract Func<double> OpenRangeFinder(int triggerPin, int echoPin);

    /// <summary>The CT calibrations of this board's ADS1115 inputs (the agent loads them from its data folder).</summary>
    public CtCalibrationBook Calibration { get; set; } = CtCalibrationBook.InMemory();

    /// <summary>
    /// The ADS1115 at <paramref name="address"/> that carries current transformers, shared by every CT on its four
    /// inputs (one device may use one input, a station all four). A chip that failed a read is opened afresh, since a
    /// chip that lost power has lost its configuration too.
    /// </summary>
    public CtAdc OpenCtAdc(int bus, int address)
    {
        lock (_ctAdcs)
        {
            if (_ctAdcs.TryGetValue((bus, address), out var adc) && !adc.Broken)
            {
                return adc;
            }

            adc?.Dispose();
            _ctAdcs.Remove((bus, address));
            var opened = new CtAdc(OpenI2c(bus, address), CreateSampleClock());
            _ctAdcs[(bus, address)] = opened;
            return opened;
        }
    }

    /// <summary>How reads of a continuously converting ADC are paced: by the stopwatch on real hardware.</summary>
    protected virtual SampleClock CreateSampleClock() => new StopwatchSampleClock();

    /// <summary>Whether this board stands in for hardware.</summary>
    public abstract bool IsSimulated { get; }

    /// <summary>
    /// How far the sun over this board runs ahead of the clock: zero on real hardware; a simulated world may shift it
    /// (the demo makes it night in one courtyard by day, so a dark lamp can be seen).
    /// </summary>
    public virtual TimeSpan SunShift => TimeSpan.Zero;

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the buses.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_ctAdcs)
            {
                foreach (var adc in _ctAdcs.Values)
                {
                    adc.Dispose();
                }

                _ctAdcs.Clear();
            }

            Gpio.Dispose();
        }
    }
}
