using Iot.Device.Ads1115;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using System.Device.Gpio;

namespace Iot.Edge.Sensors;

/// <summary>
/// A drainage point: water level from an HC-SR04 looking down (level = mount height − distance, the echo timed by the
/// kernel: <see cref="Hardware.Board.OpenRangeFinder"/>) or from a 0.5–4.5 V pressure transmitter on an ADS1115, and a
/// high-water float switch on GPIO. Derived: level (cm), rate of rise (cm/min, least-squares over the last five
/// minutes, so ripples on the water do not raise alarms), high water (float up or level over threshold, reported at
/// once) and rapid rise.
/// </summary>
public sealed class Drain : CourtyardDevice
{
    /// <summary>Volts at the ADC per volt of transmitter output: a 10 kΩ/20 kΩ divider keeps 4.5 V under the 3.3 V rail.</summary>
    public const double AdcDividerRatio = 2.0 / 3.0;

    private static readonly TimeSpan RiseWindow = TimeSpan.FromMinutes(5);
    private readonly Func<double>? _sonar;
    private readonly Ads1115? _adc;
    private readonly InputMultiplexer _channel;
    private readonly double _mountHeightCm;
    private readonly double _fullScaleKpa;
    private readonly int? _floatPin;
    private readonly bool _floatActiveLow;
    private readonly PinChangeEventHandler? _onFloat;
    private readonly Hysteresis _level;
    private readonly Hysteresis _rise;
    private readonly Queue<(TimeSpan At, double Level)> _history = new();
    private bool _floatUp;
    private bool _highWater;
    private double _lastLevel;

    /// <summary>Opens the level sensor and the float switch.</summary>
    public Drain(DeviceManifest manifest, DeviceContext context)
        : base(manifest, context)
    {
        var level = Part("level");
        var gpio = context.Board.Gpio;
        if (level.Driver == "hcsr04")
        {
            _sonar = context.Board.OpenRangeFinder(level.TriggerPin!.Value, level.EchoPin!.Value);
            _mountHeightCm = level.MountHeightCm ?? 100;
        }
        else
        {
            _channel = InputMultiplexer.AIN0 + (level.Channel ?? 0);
            _adc = new Ads1115(context.Board.OpenI2c(level.Bus ?? 1, Parts.Address(level)), _channel, MeasuringRange.FS4096, DataRate.SPS128, DeviceMode.PowerDown);
            _fullScaleKpa = level.FullScaleKpa ?? 10;
        }

        _level = new Hysteresis(ThresholdOf("waterLevelCm"));
        _rise = new Hysteresis(ThresholdOf("riseRateCmPerMin"));
        _floatPin = OptionalPart("float")?.Pin;
        _floatActiveLow = OptionalPart("float")?.ActiveLow ?? false;
        if (_floatPin is { } pin)
        {
            Parts.OpenInput(gpio, pin);
            _floatUp = Parts.IsActive(gpio, pin, _floatActiveLow);
            _onFloat = (_, e) => FloatChanged(Parts.IsActive(e.ChangeType, _floatActiveLow));
            gpio.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, _onFloat);
        }
    }

    /// <inheritdoc />
    public override void Sample()
    {
        lock (Gate)
        {
            var now = Context.Monotonic;
            var sink = Context.Sink;
            double level;
            if (_sonar is not null)
            {
                double cm;
                try
                {
                    cm = _sonar();
                }
                catch (IOException)
                {
                    return; // no echo this time; the next sample tries again
                }

                if (cm < 2 || cm > _mountHeightCm + 5)
                {
                    return; // an echo from below the drain floor is a stray reflection, not water
                }

                sink.Reading(Sensor("distance"), Quantity.Distance, Math.Round(Math.Clamp(cm, 0, 1000), 1));
                level = _mountHeightCm - cm;
            }
            else
            {
                var volts = _adc!.ReadVoltage(_channel).Volts / Drain.AdcDividerRatio;
                var kpa = Math.Max(0, (volts - 0.5) / 4.0 * _fullScaleKpa);
                sink.Reading(Sensor("pressure"), Quantity.Pressure, Math.Round(kpa, 3));
                level = kpa / 0.0980665;
            }

            level = Math.Round(Math.Clamp(level, -50, 1000), 1);
            _lastLevel = level;
            _history.Enqueue((now, level));
            while (_history.Count > 0 && now - _history.Peek().At > RiseWindow)
            {
                _history.Dequeue();
            }

            var rate = Math.Round(Math.Clamp(Slope(), -1000, 1000), 2);
            sink.Reading(Sensor("level"), Quantity.WaterLevel, level);
            sink.Reading(Sensor("rise-rate"), Quantity.RiseRate, rate);
            if (_floatPin is not null)
            {
                sink.Reading(Sensor("float"), Quantity.FloatSwitch, _floatUp ? 1 : 0);
            }

            _level.Update(level, now);
            if (_rise.Update(rate, now) == Crossing.Raised)
            {
                sink.Report(EventKind.DrainRapidRise, Id, rate);
            }

            Judge();
        }
    }

    private void FloatChanged(bool up)
    {
        lock (Gate)
        {
            _floatUp = up;
            Judge();
        }
    }

    private void Judge()
    {
        var high = _floatUp || _level.Active;
        if (high == _highWater)
        {
            return;
        }

        _highWater = high;
        Context.Sink.Report(high ? EventKind.DrainHighWater : EventKind.DrainHighWaterCleared, Id, _lastLevel,
            reason: high ? (_floatUp ? "float switch" : "level over threshold") : null);
    }

    // Least-squares slope of level over time, cm/min; needs half a minute of data to mean anything.
    private double Slope()
    {
        if (_history.Count < 3 || (_history.Last().At - _history.Peek().At).TotalSeconds < 30)
        {
            return 0;
        }

        var t0 = _history.Peek().At;
        double n = _history.Count, sx = 0, sy = 0, sxx = 0, sxy = 0;
        foreach (var (at, level) in _history)
        {
            var x = (at - t0).TotalMinutes;
            sx += x;
            sy += level;
            sxx += x * x;
            sxy += x * level;
        }

        var denominator = (n * sxx) - (sx * sx);
        return denominator == 0 ? 0 : ((n * sxy) - (sx * sy)) / denominator;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _adc?.Dispose();
            if (_floatPin is { } pin && _onFloat is not null)
            {
                Context.Board.Gpio.UnregisterCallbackForPinValueChangedEvent(pin, _onFloat);
            }
        }

        base.Dispose(disposing);
    }
}
