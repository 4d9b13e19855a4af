using System.Device.Gpio;
using System.Device.I2c;
using Iot.Device.OneWire;

namespace Iot.Edge.Hardware;

/// <summary>
/// A Raspberry Pi: the kernel's GPIO character device, /dev/i2c-N, the w1-gpio bus (GPIO 4), and for HC-SR04s the srf04
/// IIO devices where the kernel has that driver, else the echo pin timed by the agent.
/// </summary>
public sealed class PiBoard : Board
{
    private readonly GpioController _gpio = new();
    private readonly CancellationTokenSource _stop = new();

    /// <inheritdoc />
    public override GpioController Gpio => _gpio;

    /// <inheritdoc />
    public override bool IsSimulated => false;

    /// <inheritdoc />
    public override I2cDevice OpenI2c(int bus, int address) => I2cDevice.Create(new I2cConnectionSettings(bus, address));

    /// <summary>
    /// A DS18B20 conversion takes about 750 ms, longer than the interlock poll: the probe is read continuously in
    /// the background and the poll takes the latest value, refusing one older than two seconds (the interlocks' limit).
    /// </summary>
    public override Func<double> OpenThermometer(string oneWireId)
    {
        var busId = OneWireBus.EnumerateBusIds().FirstOrDefault()
            ?? throw new InvalidOperationException("no 1-Wire bus: add 'dtoverlay=w1-gpio' to /boot/firmware/config.txt (see firmware-config/pi/)");
        var device = new OneWireThermometerDevice(busId, oneWireId);
        (double Celsius, long At)? latest = null;
        var gate = new Lock();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var celsius = (await device.ReadTemperatureAsync().ConfigureAwait(false)).DegreesCelsius;
                    lock (gate)
                    {
                        latest = (celsius, Environment.TickCount64);
                    }
                }
                catch (Exception e) when (e is IOException or InvalidOperationException)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _stop.Token).ConfigureAwait(false); // bad CRC: try again
                }
            }
        });
        return () =>
        {
            lock (gate)
            {
                return latest is { } l && Environment.TickCount64 - l.At < 2000
                    ? l.Celsius
                    : throw new IOException(latest is null ? $"1-Wire probe {oneWireId} has not answered yet" : $"1-Wire probe {oneWireId} has not answered for 2 s");
            }
        };
    }

    /// <inheritdoc />
    public override Func<double> OpenRangeFinder(int triggerPin, int echoPin) =>
        IioRangeFinder.TryOpen(triggerPin, echoPin) ?? UserSpaceRangeFinder.Open(_gpio, triggerPin, echoPin);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            _stop.Dispose();
        }

        base.Dispose(disposing);
    }
}
