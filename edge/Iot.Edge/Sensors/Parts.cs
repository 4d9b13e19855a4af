using System.Device.Gpio;
using System.Globalization;
using Iot.Device.Adc;
using Iot.Edge.Hardware;
using Iot.Protocol.Sites;

namespace Iot.Edge.Sensors;

/// <summary>Opens the drivers a manifest part names, configured as the part's wiring says.</summary>
public static class Parts
{
    /// <summary>
    /// An INA219 calibrated for its shunt and expected maximum current (datasheet section 8.5): the current LSB
    /// is the maximum over 2^15, the calibration 0.04096 / (LSB × R), and the PGA the smallest range that holds
    /// the largest shunt voltage. 9-bit conversions (84 µs) are plenty for fault detection and keep reads cheap.
    /// </summary>
    public static Ina219 OpenIna219(Board board, PartManifest part)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(part);
        var shunt = part.ShuntOhms ?? 0.1;
        var maxCurrent = part.MaxCurrentA ?? 2;
        var ina = new Ina219(board.OpenI2c(part.Bus ?? 1, Address(part)));
        ina.Reset();
        var lsb = maxCurrent / 32768.0;
        var calibration = (ushort)Math.Min(0xFFFE, Math.Truncate(0.04096 / (lsb * shunt)));
        var shuntMillivolts = maxCurrent * shunt * 1000;
        ina.PgaSensitivity = shuntMillivolts switch
        {
            <= 40 => Ina219PgaSensitivity.PlusOrMinus40mv,
            <= 80 => Ina219PgaSensitivity.PlusOrMinus80mv,
            <= 160 => Ina219PgaSensitivity.PlusOrMinus160mv,
            _ => Ina219PgaSensitivity.PlusOrMinus320mv,
        };
        ina.BusAdcResolutionOrSamples = Ina219AdcResolutionOrSamples.Adc9Bit;
        ina.ShuntAdcResolutionOrSamples = Ina219AdcResolutionOrSamples.Adc9Bit;
        ina.SetCalibration(calibration, (float)lsb);
        return ina;
    }

    /// <summary>Opens a GPIO input with the pull-up on (contacts switch to ground).</summary>
    public static void OpenInput(GpioController gpio, int pin)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        if (!gpio.IsPinOpen(pin))
        {
            gpio.OpenPin(pin, PinMode.InputPullUp);
        }
    }

    /// <summary>Reads a contact's logical state: active means the pin is at its active level.</summary>
    public static bool IsActive(GpioController gpio, int pin, bool activeLow)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        return (gpio.Read(pin) == PinValue.High) ^ activeLow;
    }

    /// <summary>The logical state an edge leads to.</summary>
    public static bool IsActive(PinEventTypes edge, bool activeLow) => (edge == PinEventTypes.Rising) ^ activeLow;

    /// <summary>The I2C address of a part (<c>0x40</c>).</summary>
    public static int Address(PartManifest part)
    {
        ArgumentNullException.ThrowIfNull(part);
        return int.Parse(part.Address!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
