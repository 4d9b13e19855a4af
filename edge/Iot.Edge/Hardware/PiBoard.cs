using System.Device.Gpio;
using System.Device.I2c;
using Iot.Device.OneWire;

namespace Iot.Edge.Hardware;

/// <summary>A Raspberry Pi: the kernel's GPIO character device, /dev/i2c-N and the w1-gpio bus (GPIO 4).</summary>
public sealed class PiBoard : Board
{
    private readonly GpioController _gpio = new();

    /// <inheritdoc />
    public override GpioController Gpio => _gpio;

    /// <inheritdoc />
    public override bool IsSimulated => false;

    /// <inheritdoc />
    public override I2cDevice OpenI2c(int bus, int address) => I2cDevice.Create(new I2cConnectionSettings(bus, address));

    /// <inheritdoc />
    public override Func<double> OpenThermometer(string oneWireId)
    {
        var busId = OneWireBus.EnumerateBusIds().FirstOrDefault()
            ?? throw new InvalidOperationException("no 1-Wire bus: add 'dtoverlay=w1-gpio' to /boot/firmware/config.txt (see firmware-config/pi/)");
        var device = new OneWireThermometerDevice(busId, oneWireId);
        return () => device.ReadTemperature().DegreesCelsius;
    }
}
