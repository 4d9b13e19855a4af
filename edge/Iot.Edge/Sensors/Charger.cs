using System.Device.Gpio;
using System.Globalization;
using Iot.Device.Lm75;
using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Edge.Sensors;

/// <summary>
/// An e-bike charging station: per outlet an INA219 and a relay, one temperature probe (DS18B20 on 1-Wire or an
/// LM75 on I2C) and a smoke detector on GPIO. The interlocks live here, on the Pi: over-current opens that
/// outlet's relay, over-temperature and smoke open every outlet, in the same call that took the reading (smoke
/// from its edge callback), whatever the network, the outbox or the config is doing.
/// </summary>
public sealed class Charger : CourtyardDevice
{
    private readonly List<ChargingOutlet> _outlets = [];
    private readonly Func<double> _readTemperature;
    private readonly Lm75? _lm75;
    private readonly int _smokePin;
    private readonly bool _smokeActiveLow;
    private readonly PinChangeEventHandler _onSmoke;
    private readonly Threshold _overTemperature;
    private readonly double _startAboveA;
    private double _temperature = double.NaN;
    private bool _smoke;

    /// <summary>Opens the station's parts, keeping any outlet latched before (restart, reload) cut off.</summary>
    public Charger(DeviceManifest manifest, DeviceContext context)
        : base(manifest, context)
    {
        var board = context.Board;
        var now = context.Monotonic;
        var overCurrent = ThresholdOf("overCurrentA");
        var full = ThresholdOf("fullCurrentA");
        _startAboveA = full.ClearAbove ?? 0.3;
        foreach (var current in manifest.Parts.Where(p => p.Role == "current").OrderBy(p => p.Outlet))
        {
            var number = current.Outlet!.Value;
            var interlock = new OutletInterlock(Id.Value, number, context.Safety, context.Latches, now);
            var relay = new Relay(board.Gpio, manifest.Parts.First(p => p.Role == "relay" && p.Outlet == number), energised: !interlock.Latched);
            _outlets.Add(new ChargingOutlet(number, Parts.OpenIna219(board, current), relay, interlock, new Hysteresis(overCurrent), new Hysteresis(full)));
        }

        var temperature = Part("temperature");
        if (temperature.Driver == "lm75")
        {
            _lm75 = new Lm75(board.OpenI2c(temperature.Bus ?? 1, Parts.Address(temperature)));
            _readTemperature = () => _lm75.Temperature.DegreesCelsius;
        }
        else
        {
            _readTemperature = board.OpenThermometer(temperature.OneWireId!);
        }

        _overTemperature = ThresholdOf("overTemperatureC");
        var smoke = Part("smoke");
        _smokePin = smoke.Pin!.Value;
        _smokeActiveLow = smoke.ActiveLow ?? false;
        Parts.OpenInput(board.Gpio, _smokePin);
        _onSmoke = (_, e) => SmokeChanged(Parts.IsActive(e.ChangeType, _smokeActiveLow));
        board.Gpio.RegisterCallbackForPinValueChangedEvent(_smokePin, PinEventTypes.Rising | PinEventTypes.Falling, _onSmoke);
    }

    /// <summary>Whether outlet <paramref name="outlet"/> is latched off.</summary>
    public bool IsLatched(int outlet)
    {
        lock (Gate)
        {
            return Outlet(outlet)?.Interlock.Latched ?? false;
        }
    }

    /// <summary>Whether outlet <paramref name="outlet"/>'s relay feeds it.</summary>
    public bool RelayOn(int outlet)
    {
        lock (Gate)
        {
            return Outlet(outlet)?.Relay.Energised ?? false;
        }
    }

    /// <summary>Reads every sensor for the interlocks, without telemetry. Called every <c>Safety:PollMilliseconds</c>.</summary>
    public void Poll()
    {
        lock (Gate)
        {
            PollLocked();
        }
    }

    /// <inheritdoc />
    public override void Sample()
    {
        lock (Gate)
        {
            PollLocked();
            var sink = Context.Sink;
            foreach (var outlet in _outlets)
            {
                var prefix = string.Create(CultureInfo.InvariantCulture, $"o{outlet.Number}-");
                sink.Reading(Sensor(prefix + "current"), Quantity.Current, Math.Round(outlet.CurrentA, 3));
                sink.Reading(Sensor(prefix + "power"), Quantity.Power, Math.Round(outlet.CurrentA * Context.Safety.OutletVolts, 1));
                sink.Reading(Sensor(prefix + "relay"), Quantity.Relay, outlet.Relay.Energised ? 1 : 0);
                sink.Reading(Sensor(prefix + "state"), Quantity.ChargeState, (int)outlet.State);
                sink.Reading(Sensor(prefix + "energy"), Quantity.Energy, Math.Round(outlet.SessionWh, 1));
            }

            if (double.IsFinite(_temperature))
            {
                sink.Reading(Sensor("temperature"), Quantity.Temperature, Math.Round(_temperature, 2));
            }

            sink.Reading(Sensor("smoke"), Quantity.Smoke, _smoke ? 1 : 0);
        }
    }

    /// <summary>
    /// Re-energises a latched outlet for <paramref name="person"/>, or says why not: no person or reason, the
    /// cause still there (temperature above its clear level, smoke), or a lockout still running.
    /// </summary>
    public string? Reset(int number, string? person, string? reason)
    {
        lock (Gate)
        {
            if (Outlet(number) is not { } outlet)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{Id} has no outlet {number}");
            }

            var now = Context.Monotonic;
            if (outlet.Interlock.ResetProblem(person, reason, now) is { } problem)
            {
                return problem;
            }

            PollLocked();
            var clearBelow = _overTemperature.ClearBelow ?? _overTemperature.Above ?? 45;
            if (!double.IsFinite(_temperature) || _temperature >= clearBelow)
            {
                return string.Create(CultureInfo.InvariantCulture, $"outlet {number} still reads {_temperature:0.0} Cel; it cannot be reset until it is below {clearBelow:0.0} Cel");
            }

            if (_smoke)
            {
                return "the smoke detector still alarms; it cannot be reset until the smoke is gone";
            }

            outlet.Interlock.Reset();
            outlet.Relay.Set(true);
            var why = $"{person!.Trim()}: {reason!.Trim()}";
            Context.Sink.Report(EventKind.ChargerReset, Id, outlet: number, reason: why.Length > MessageLimits.MaxTextLength ? why[..MessageLimits.MaxTextLength] : why, priority: OutboxPriority.Safety);
            return null;
        }
    }

    private void PollLocked()
    {
        var now = Context.Monotonic;
        try
        {
            _temperature = _readTemperature();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            _temperature = double.NaN; // a failed 1-Wire read (bad CRC, loose wire); the next poll tries again
        }

        _smoke = Parts.IsActive(Context.Board.Gpio, _smokePin, _smokeActiveLow);
        foreach (var outlet in _outlets)
        {
            if (outlet.Read(now, Context.Safety.OutletVolts, _startAboveA) is { } session)
            {
                Context.Sink.Report(session.Kind, Id, session.Value, outlet.Number);
            }

            if (outlet.OverCurrent.Update(outlet.CurrentA, now) == Crossing.Raised)
            {
                Trip(outlet, TripReason.OverCurrent, outlet.CurrentA);
            }
        }

        if (double.IsFinite(_temperature) && _temperature > (_overTemperature.Above ?? 60))
        {
            TripAll(TripReason.OverTemperature, _temperature);
        }

        if (_smoke)
        {
            TripAll(TripReason.Smoke, 1);
        }
    }

    private void SmokeChanged(bool smoke)
    {
        lock (Gate)
        {
            _smoke = smoke;
            if (smoke)
            {
                TripAll(TripReason.Smoke, 1);
            }
        }
    }

    private void TripAll(string reason, double value)
    {
        foreach (var outlet in _outlets)
        {
            Trip(outlet, reason, value);
        }
    }

    // The relay opens first; the latch, the file and the events follow. Nothing after the relay can stop it.
    private void Trip(ChargingOutlet outlet, string reason, double value)
    {
        if (outlet.Interlock.Latched && !outlet.Relay.Energised)
        {
            return;
        }

        outlet.Relay.Set(false);
        var lockedOut = outlet.Interlock.Trip(reason, Context.Monotonic);
        Context.Sink.Report(EventKind.ChargerCutOff, Id, Math.Round(value, 2), outlet.Number, reason, OutboxPriority.Safety);
        if (lockedOut)
        {
            Context.Sink.Report(EventKind.ChargerLockedOut, Id, Context.Safety.LockoutMinutes * 60, outlet.Number, $"second trip within {Context.Safety.RepeatWindowMinutes} min: {reason}", OutboxPriority.Safety);
        }
    }

    private ChargingOutlet? Outlet(int number) => _outlets.Find(o => o.Number == number);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Context.Board.Gpio.UnregisterCallbackForPinValueChangedEvent(_smokePin, _onSmoke);
            foreach (var outlet in _outlets)
            {
                outlet.Meter.Dispose();
            }

            _lm75?.Dispose();
        }

        base.Dispose(disposing);
    }
}
