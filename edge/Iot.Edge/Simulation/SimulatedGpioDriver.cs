using System.Device.Gpio;
using System.Diagnostics;

namespace Iot.Edge.Simulation;

/// <summary>
/// A Raspberry Pi's 28 BCM pins in software: inputs the physical model drives (with real edge callbacks, as
/// the kernel's GPIO character device delivers them), outputs the agent writes (relays, triggers), and HC-SR04
/// echo pins that answer a trigger with a pulse as long as the sound's round trip.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private const int Pins = 28;
    private readonly Lock _gate = new();
    private readonly PinValue[] _values = new PinValue[Pins];
    private readonly PinMode[] _modes = new PinMode[Pins];
    private readonly bool[] _open = new bool[Pins];
    private readonly bool[] _driven = new bool[Pins];
    private readonly bool[] _broken = new bool[Pins];
    private readonly List<(PinEventTypes Types, PinChangeEventHandler Handler)>[] _callbacks =
        Enumerable.Range(0, Pins).Select(_ => new List<(PinEventTypes, PinChangeEventHandler)>()).ToArray();
    private readonly Dictionary<int, Echo> _echoByTrigger = [];
    private readonly Dictionary<int, Echo> _echoByPin = [];

    /// <summary>Raised after the agent writes an output pin (a relay switching, a trigger pulse).</summary>
    public event Action<int, PinValue>? OutputWritten;

    /// <inheritdoc />
    protected override int PinCount => Pins;

    /// <summary>Sets the level the outside world puts on an input pin; fires edge callbacks when it changes.</summary>
    public void SetInput(int pin, PinValue value)
    {
        List<PinChangeEventHandler> fire;
        lock (_gate)
        {
            _driven[pin] = true;
            if (_values[pin] == value)
            {
                return;
            }

            _values[pin] = value;
            var edge = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            fire = _callbacks[pin].Where(c => (c.Types & edge) != 0).Select(c => c.Handler).ToList();
        }

        var args = new PinValueChangedEventArgs(value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling, pin);
        foreach (var handler in fire)
        {
            handler(this, args);
        }
    }

    /// <summary>The level last written to an output pin (or set on an input).</summary>
    public PinValue ValueOf(int pin)
    {
        lock (_gate)
        {
            return _values[pin];
        }
    }

    /// <summary>Wires an HC-SR04: a falling edge on <paramref name="trigger"/> starts an echo pulse on <paramref name="echo"/>.</summary>
    public void AttachUltrasonic(int trigger, int echo, Func<double> distanceCm)
    {
        var e = new Echo(echo, distanceCm);
        lock (_gate)
        {
            _echoByTrigger[trigger] = e;
            _echoByPin[echo] = e;
        }
    }

    /// <summary>
    /// Makes a pin unusable, as a line another process holds is (libgpiod then refuses to open it) or a damaged one:
    /// opening or reading it fails with an I/O error until <paramref name="broken"/> is false again.
    /// </summary>
    public void Break(int pin, bool broken = true)
    {
        lock (_gate)
        {
            _broken[pin] = broken;
        }
    }

    /// <inheritdoc />
    protected override void OpenPin(int pinNumber)
    {
        Check(pinNumber);
        lock (_gate)
        {
            if (_broken[pinNumber])
            {
                throw new IOException($"GPIO {pinNumber} cannot be requested: Device or resource busy");
            }

            _open[pinNumber] = true;
        }
    }

    /// <inheritdoc />
    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            _open[pinNumber] = false;
            _callbacks[pinNumber].Clear();
        }
    }

    /// <inheritdoc />
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            var wasInput = _modes[pinNumber] is not PinMode.Output;
            _modes[pinNumber] = mode;
            if (mode == PinMode.InputPullUp && wasInput && !_echoByPin.ContainsKey(pinNumber) && !_driven[pinNumber])
            {
                _values[pinNumber] = PinValue.High; // an open contact reads high through the pull-up
            }
        }
    }

    /// <inheritdoc />
    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            return _modes[pinNumber];
        }
    }

    /// <inheritdoc />
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    /// <inheritdoc />
    protected override PinValue Read(int pinNumber)
    {
        Echo? echo;
        lock (_gate)
        {
            if (_broken[pinNumber])
            {
                throw new IOException($"GPIO {pinNumber} cannot be read: Input/output error");
            }

            if (!_echoByPin.TryGetValue(pinNumber, out echo))
            {
                return _values[pinNumber];
            }
        }

        var now = Stopwatch.GetTimestamp();
        return now >= echo.Start && now < echo.End ? PinValue.High : PinValue.Low;
    }

    /// <inheritdoc />
    protected override void Write(int pinNumber, PinValue value)
    {
        Echo? echo;
        lock (_gate)
        {
            var previous = _values[pinNumber];
            _values[pinNumber] = value;
            echo = previous == PinValue.High && value == PinValue.Low && _echoByTrigger.TryGetValue(pinNumber, out var e) ? e : null;
        }

        echo?.Fire();
        OutputWritten?.Invoke(pinNumber, value);
    }

    /// <inheritdoc />
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        using var changed = new ManualResetEventSlim();
        PinEventTypes seen = PinEventTypes.None;
        void Handler(object sender, PinValueChangedEventArgs e)
        {
            seen = e.ChangeType;
            changed.Set();
        }

        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, Handler);
        try
        {
            changed.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = seen, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, Handler);
        }
    }

    /// <inheritdoc />
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            _callbacks[pinNumber].Add((eventTypes, callback));
        }
    }

    /// <inheritdoc />
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            _callbacks[pinNumber].RemoveAll(c => c.Handler == callback);
        }
    }

    private static void Check(int pin)
    {
        if (pin is < 0 or >= Pins)
        {
            throw new ArgumentOutOfRangeException(nameof(pin), pin, "BCM pins are 0 to 27");
        }
    }

    /// <summary>An HC-SR04's echo: high from shortly after the trigger for the sound's round trip (343 m/s).</summary>
    private sealed class Echo(int pin, Func<double> distanceCm)
    {
        public int Pin { get; } = pin;

        public long Start { get; private set; } = long.MaxValue;

        public long End { get; private set; } = long.MaxValue;

        public void Fire()
        {
            var seconds = 2 * distanceCm() / 34_300.0;
            var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 20_000); // the module's 50 µs burst before echo
            Start = start;
            End = start + (long)(seconds * Stopwatch.Frequency);
        }
    }
}
