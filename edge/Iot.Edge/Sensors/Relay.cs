using System.Device.Gpio;
using Iot.Protocol.Sites;

namespace Iot.Edge.Sensors;

/// <summary>A relay module on a GPIO output; most cheap modules (SRD-05VDC with an optocoupler) switch on a low input.</summary>
public sealed class Relay
{
    private readonly GpioController _gpio;
    private readonly int _pin;
    private readonly bool _activeLow;

    /// <summary>Opens the pin and sets the relay to <paramref name="energised"/> before anything else can happen.</summary>
    public Relay(GpioController gpio, PartManifest part, bool energised)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        ArgumentNullException.ThrowIfNull(part);
        _gpio = gpio;
        _pin = part.Pin!.Value;
        _activeLow = part.ActiveLow ?? false;
        if (!gpio.IsPinOpen(_pin))
        {
            gpio.OpenPin(_pin, PinMode.Output, Level(energised));
        }

        Set(energised);
    }

    /// <summary>Whether the relay was last driven to feed its load.</summary>
    public bool Energised { get; private set; }

    /// <summary>Drives the relay.</summary>
    public void Set(bool energised)
    {
        _gpio.Write(_pin, Level(energised));
        Energised = energised;
    }

    private PinValue Level(bool energised) => energised ^ _activeLow ? PinValue.High : PinValue.Low;
}
