using System.Device.Gpio;
using System.Globalization;
using Iot.Device.Lm75;
using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Edge.Sensors.Ac;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Edge.Sensors;

/// <summary>
/// An e-bike charging station: per outlet a current sensor (a current transformer on an ADS1115 input for a 220 V
/// outlet, or an INA219) and a relay, one temperature probe (DS18B20 on 1-Wire or an
/// LM75 on I2C) and a smoke detector on GPIO. The interlocks live here, on the Pi, and fail safe: every relay starts
/// off, and an outlet is powered only while its current sensor, the temperature probe and the smoke input all give
/// plausible, fresh readings. Over-current opens that outlet's relay; over-temperature and smoke open every outlet (smoke
/// also from its edge callback); a sensor that fails cuts what it guards (its outlet, or the whole station) and says
/// so with <c>sensorFault</c>. <see cref="Poll"/> reads and decides; <see cref="Supervise"/>, on the agent's safety
/// thread, cuts outlets whose sensing has gone stale even while a read hangs.
/// </summary>
public sealed class Charger : CourtyardDevice
{
    private readonly List<ChargingOutlet> _outlets = [];
    private readonly List<IDisposable> _parts = [];
    private readonly SafetySensor _temperature;
    private readonly SafetySensor _smokeInput;
    private readonly int _smokePin;
    private readonly bool _smokeActiveLow;
    private readonly PinChangeEventHandler _onSmoke;
    private readonly Threshold _overTemperature;
    private readonly double _startAboveA;
    private readonly HashSet<string> _faultsReported = new(StringComparer.Ordinal);
    private bool _smokeCallback;
    private bool _smoke;
    private bool _disposed;

    /// <summary>
    /// Opens the station: every relay off first, then the sensors. A sensor that cannot be opened is retried with
    /// backoff and keeps what it guards off meanwhile; an outlet latched before (restart, reload) stays latched.
    /// </summary>
    public Charger(DeviceManifest manifest, DeviceContext context)
        : base(manifest, context)
    {
        var board = context.Board;
        var now = context.Monotonic;
        var overCurrent = ThresholdOf("overCurrentA");
        var full = ThresholdOf("fullCurrentA");
        _startAboveA = full.ClearAbove ?? 0.3;
        var currents = manifest.Parts.Where(p => p.Role == "current").OrderBy(p => p.Outlet).ToList();
        var relays = currents.Select(c => new Relay(board.Gpio, manifest.Parts.First(p => p.Role == "relay" && p.Outlet == c.Outlet), energised: false)).ToList();
        for (var i = 0; i < currents.Count; i++)
        {
            var current = currents[i];
            var number = current.Outlet!.Value;
            ChargingOutlet? self = null;
            var meter = current.Driver == "ct-ads1115"
                ? new SafetySensor(
                    string.Create(CultureInfo.InvariantCulture, $"outlet {number} current sensor (CT on ADS1115 {current.Address} AIN{current.Channel})"),
                    () =>
                    {
                        var ct = new CurrentTransformer(board, current);
                        return () => ReadTransformer(ct, self!);
                    },
                    MinCurrentA, MaxCurrentA, now)
                : new SafetySensor(
                    string.Create(CultureInfo.InvariantCulture, $"outlet {number} current sensor (INA219 {current.Address})"),
                    () =>
                    {
                        var ina = Keep(Parts.OpenIna219(board, current));
                        return () => ina.ReadCurrent().Amperes;
                    },
                    MinCurrentA, MaxCurrentA, now);
            var interlock = new OutletInterlock(Id.Value, number, context.Safety, context.Latches, now);
            self = new ChargingOutlet(number, meter, relays[i], interlock, new Hysteresis(overCurrent), new Hysteresis(full), Chip(current));
            _outlets.Add(self);
        }

        var temperature = Part("temperature");
        _temperature = temperature.Driver == "lm75"
            ? new SafetySensor($"temperature probe (LM75 {temperature.Address})",
                () =>
                {
                    var lm75 = Keep(new Lm75(board.OpenI2c(temperature.Bus ?? 1, Parts.Address(temperature))));
                    return () => lm75.Temperature.DegreesCelsius;
                },
                MinCelsius, MaxCelsius, now)
            : new SafetySensor($"temperature probe {temperature.OneWireId}", () => board.OpenThermometer(temperature.OneWireId!), MinCelsius, MaxCelsius, now);

        _overTemperature = ThresholdOf("overTemperatureC");
        var smoke = Part("smoke");
        _smokePin = smoke.Pin!.Value;
        _smokeActiveLow = smoke.ActiveLow ?? false;
        _onSmoke = (_, e) => SmokeChanged(Parts.IsActive(e.ChangeType, _smokeActiveLow));
        _smokeInput = new SafetySensor(
            string.Create(CultureInfo.InvariantCulture, $"smoke input GPIO {_smokePin}"),
            () =>
            {
                Parts.OpenInput(board.Gpio, _smokePin);
                lock (Gate)
                {
                    if (!_smokeCallback)
                    {
                        board.Gpio.RegisterCallbackForPinValueChangedEvent(_smokePin, PinEventTypes.Rising | PinEventTypes.Falling, _onSmoke);
                        _smokeCallback = true;
                    }
                }

                return () => Parts.IsActive(board.Gpio, _smokePin, _smokeActiveLow) ? 1 : 0;
            },
            0, 1, now);
    }

    /// <summary>Lowest current an outlet's INA219 can plausibly read, A: below it the shunt is wired backwards or the chip is lying.</summary>
    public const double MinCurrentA = -0.5;

    /// <summary>Highest current an outlet circuit can carry, A (a 10 A socket, with margin); above it the reading is not physical.</summary>
    public const double MaxCurrentA = 16;

    /// <summary>Lowest temperature the probes measure, °C (DS18B20 and LM75 range).</summary>
    public const double MinCelsius = -55;

    /// <summary>Highest temperature the probes measure, °C.</summary>
    public const double MaxCelsius = 125;

    /// <inheritdoc />
    public override IReadOnlyList<string> OpenProblems =>
        _outlets.Select(o => o.Meter).Append(_temperature).Append(_smokeInput).Select(s => s.OpenFailure).OfType<string>().ToList();

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

    /// <summary>
    /// Reads every sensor (outside the lock: a read that hangs holds up nothing else), then trips, cuts what is not
    /// sensed, and powers outlets that are ready. Called every <c>Safety:PollMilliseconds</c>.
    /// </summary>
    public void Poll()
    {
        var now = Context.Monotonic;

        // Outlets on one chip are read in turn (a CT window takes 100 ms of its ADS1115); separate chips in parallel.
        Parallel.ForEach(_outlets.GroupBy(o => o.Chip), chip =>
        {
            foreach (var outlet in chip)
            {
                outlet.Meter.Sample(now);
            }
        });

        _temperature.Sample(now);
        _smokeInput.Sample(now);
        lock (Gate)
        {
            if (!_disposed)
            {
                Decide(now);
            }
        }
    }

    /// <summary>Cuts outlets whose sensing has failed or gone stale; no I/O but the relays. Called from the agent's safety thread.</summary>
    public void Supervise()
    {
        lock (Gate)
        {
            if (!_disposed)
            {
                Guard(Context.Monotonic);
            }
        }
    }

    /// <inheritdoc />
    public override void Sample()
    {
        lock (Gate)
        {
            var now = Context.Monotonic;
            var sink = Context.Sink;
            foreach (var outlet in _outlets)
            {
                var prefix = string.Create(CultureInfo.InvariantCulture, $"o{outlet.Number}-");
                if (outlet.Meter.Problem(now) is null)
                {
                    sink.Reading(Sensor(prefix + "current"), Quantity.Current, Math.Round(outlet.CurrentA, 3));
                    sink.Reading(Sensor(prefix + "power"), Quantity.Power, Math.Round(outlet.CurrentA * Context.Safety.OutletVolts, 1));
                }

                sink.Reading(Sensor(prefix + "relay"), Quantity.Relay, outlet.Relay.Energised ? 1 : 0);
                sink.Reading(Sensor(prefix + "state"), Quantity.ChargeState, (int)outlet.State);
                sink.Reading(Sensor(prefix + "energy"), Quantity.Energy, Math.Round(outlet.SessionWh, 1));
            }

            if (_temperature.Problem(now) is null)
            {
                sink.Reading(Sensor("temperature"), Quantity.Temperature, Math.Round(_temperature.Value, 2));
            }

            if (_smokeInput.Problem(now) is null)
            {
                sink.Reading(Sensor("smoke"), Quantity.Smoke, _smoke ? 1 : 0);
            }
        }
    }

    /// <summary>
    /// Re-energises a latched outlet for <paramref name="person"/>, or says why not: no person or reason, a lockout
    /// still running, its sensing not working, or the cause still there (temperature above its clear level, smoke).
    /// </summary>
    public string? Reset(int number, string? person, string? reason)
    {
        if (Outlet(number) is not { } outlet)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Id} has no outlet {number}");
        }

        Poll();
        lock (Gate)
        {
            var now = Context.Monotonic;
            if (outlet.Interlock.ResetProblem(person, reason, now) is { } problem)
            {
                return problem;
            }

            if ((outlet.Meter.Problem(now) ?? StationProblem(now)) is { } sensing)
            {
                return $"outlet {number} cannot be reset while its sensing does not work ({sensing})";
            }

            var clearBelow = _overTemperature.ClearBelow ?? _overTemperature.Above ?? 45;
            if (_temperature.Value >= clearBelow)
            {
                return string.Create(CultureInfo.InvariantCulture, $"outlet {number} still reads {_temperature.Value:0.0} Cel; it cannot be reset until it is below {clearBelow:0.0} Cel");
            }

            if (_smoke)
            {
                return "the smoke detector still alarms; it cannot be reset until the smoke is gone";
            }

            outlet.Interlock.Reset();
            outlet.Relay.Set(true);
            var why = $"{person!.Trim()}: {reason!.Trim()}";
            Context.Sink.Report(EventKind.ChargerReset, Id, outlet: number, reason: why.Length > MessageLimits.MaxTextLength ? why[..MessageLimits.MaxTextLength] : why);
            return null;
        }
    }

    // An open transformer, or an input stuck at one value, reads a flat line: exactly zero, not even noise. While the
    // relay is on and the outlet was drawing, that cannot be a load that stopped, so it is a sensor fault (it trips).
    private static double ReadTransformer(CurrentTransformer ct, ChargingOutlet outlet)
    {
        var (amps, window) = ct.Read();
        if (window.Flat && outlet.Relay.Energised && outlet.State != ChargeState.Idle)
        {
            throw new IOException("reads exactly zero while its relay is on and the outlet was charging: the transformer is open-circuit or its input is stuck");
        }

        return amps;
    }

    private static string Chip(PartManifest part) => string.Create(CultureInfo.InvariantCulture, $"{part.Bus ?? 1}/{part.Address}");

    private string? StationProblem(TimeSpan now) => _temperature.Problem(now) ?? _smokeInput.Problem(now);

    // Under the lock, after fresh reads: sensing first, then what the readings say, then power for outlets that are ready.
    private void Decide(TimeSpan now)
    {
        Guard(now);
        if (_smokeInput.Problem(now) is null)
        {
            _smoke = _smokeInput.Value > 0.5;
        }

        foreach (var outlet in _outlets.Where(o => o.Meter.Problem(now) is null))
        {
            if (outlet.Update(outlet.Meter.Value, now, Context.Safety.OutletVolts, _startAboveA) is { } session)
            {
                Context.Sink.Report(session.Kind, Id, session.Value, outlet.Number);
            }

            if (outlet.OverCurrent.Update(outlet.CurrentA, now) == Crossing.Raised)
            {
                Trip(outlet, TripReason.OverCurrent, outlet.CurrentA);
            }
        }

        var hot = _temperature.Problem(now) is null && _temperature.Value > (_overTemperature.Above ?? 60);
        if (hot)
        {
            TripAll(TripReason.OverTemperature, _temperature.Value);
        }

        if (_smoke)
        {
            TripAll(TripReason.Smoke, 1);
        }

        if (hot || _smoke || StationProblem(now) is not null)
        {
            return;
        }

        foreach (var outlet in _outlets.Where(o => !o.Relay.Energised && !o.Interlock.Latched && o.Meter.Problem(now) is null))
        {
            outlet.Relay.Set(true); // sensing works and nothing is wrong: power the outlet
        }
    }

    // A sensor that fails cuts what it guards: its outlet, or the whole station. An outlet that was powered is latched
    // (a person resets it once the sensing works again); one that never was stays off until its sensing works.
    private void Guard(TimeSpan now)
    {
        var temperature = Report(_temperature, now, outlet: null);
        var smoke = Report(_smokeInput, now, outlet: null);
        var station = temperature is not null ? _temperature : smoke is not null ? _smokeInput : null;
        foreach (var outlet in _outlets)
        {
            var failed = Report(outlet.Meter, now, outlet.Number) is not null ? outlet.Meter : station;
            if (failed is not null && outlet.Relay.Energised)
            {
                Trip(outlet, TripReason.SensorFault, failed.BadValue);
            }
        }
    }

    // The sensor's problem; the first time it appears it is reported as sensorFault, and its end as sensorRecovered. A
    // sensor still waiting for its first reading guards but is not reported (SafetySensor.StartGrace).
    private string? Report(SafetySensor sensor, TimeSpan now, int? outlet)
    {
        var problem = sensor.Problem(now);
        if (problem is not null && sensor.Starting(now))
        {
            return problem;
        }

        if (problem is null)
        {
            if (_faultsReported.Remove(sensor.Name))
            {
                Context.Sink.Report(EventKind.SensorRecovered, Id, outlet: outlet, reason: $"{sensor.Name}: reading again");
            }
        }
        else if (_faultsReported.Add(sensor.Name))
        {
            var text = problem.Length > MessageLimits.MaxTextLength ? problem[..MessageLimits.MaxTextLength] : problem;
            Context.Sink.Report(EventKind.SensorFault, Id, sensor.BadValue is { } v && double.IsFinite(v) ? v : null, outlet, text);
        }

        return problem;
    }

    private void SmokeChanged(bool smoke)
    {
        lock (Gate)
        {
            _smoke = smoke;
            if (smoke && !_disposed)
            {
                TripAll(TripReason.Smoke, 1);
            }
        }
    }

    private void TripAll(string reason, double? value)
    {
        foreach (var outlet in _outlets)
        {
            Trip(outlet, reason, value);
        }
    }

    // The relay opens first; the latch, the file and the events follow. Nothing after the relay can stop it.
    private void Trip(ChargingOutlet outlet, string reason, double? value)
    {
        if (outlet.Interlock.Latched && !outlet.Relay.Energised)
        {
            return;
        }

        outlet.Relay.Set(false);
        var lockedOut = outlet.Interlock.Trip(reason, Context.Monotonic);
        Context.Sink.Report(EventKind.ChargerCutOff, Id, value is { } v && double.IsFinite(v) ? Math.Round(v, 2) : null, outlet.Number, reason);
        if (lockedOut)
        {
            Context.Sink.Report(EventKind.ChargerLockedOut, Id, Context.Safety.LockoutMinutes * 60, outlet.Number, $"second trip within {Context.Safety.RepeatWindowMinutes} min: {reason}");
        }
    }

    private ChargingOutlet? Outlet(int number) => _outlets.Find(o => o.Number == number);

    private T Keep<T>(T part)
        where T : IDisposable
    {
        lock (_parts)
        {
            _parts.Add(part);
        }

        return part;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (Gate)
            {
                _disposed = true;
                if (_smokeCallback)
                {
                    Context.Board.Gpio.UnregisterCallbackForPinValueChangedEvent(_smokePin, _onSmoke);
                }
            }

            lock (_parts)
            {
                foreach (var part in _parts)
                {
                    part.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }
}
