using System.Device.Gpio;
using System.Device.I2c;

namespace Iot.Edge.Hardware;

/// <summary>
/// What the agent's device code is wired to: GPIO, I2C buses, the 1-Wire bus and HC-SR04 range finders. A Raspberry Pi
/// gives the kernel's; the simulation gives chips in software. The drivers on top are the same either way.
/// </summary>
public abstract class Board : IDisposable
{
    /// <summary>The GPIO controller (BCM numbering).</summary>
    public abstract GpioController Gpio { get; }

    /// <summary>Opens the chip at <paramref name="address"/> on I2C bus <paramref name="bus"/>.</summary>
    public abstract I2cDevice OpenI2c(int bus, int address);

    /// <summary>Opens a 1-Wire thermometer; the returned function reads it in °C (throws when the read fails).</summary>
    public abstract Func<double> OpenThermometer(string oneWireId);

    /// <summary>
    /// Opens the HC-SR04 wired to <paramref name="triggerPin"/> and <paramref name="echoPin"/>; the returned function
    /// measures once and gives the distance in cm, in whole millimetres (throws <see cref="IOException"/> when no echo
    /// came back). The echo is timed by the kernel, not by a thread of ours: see <see cref="IioRangeFinder"/>.
    /// </summary>
    public abstract Func<double> OpenRangeFinder(int triggerPin, int echoPin);

    /// <summary>Whether this board stands in for hardware.</summary>
    public abstract bool IsSimulated { get; }

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
            Gpio.Dispose();
        }
    }
}
