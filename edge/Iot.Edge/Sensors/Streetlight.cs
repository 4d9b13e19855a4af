using Iot.Device.Adc;
using Iot.Device.Bh1750fvi;
using Iot.Edge.Sensors.Ac;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Edge.Sensors;

/// <summary>
/// A streetlight: an INA219 on a 12/24 V lamp's feed or a current transformer on a 220 V lamp circuit, optional BH1750 on the pole, and a relay. The agent switches it by
/// the sun (on from dusk to dawn, always on while the clock cannot be trusted: a dark stairway is the hazard),
/// unless a command overrides the schedule, for the minutes it gives or until the schedule's next change. Derived: lamp lit, burnt out, lit in
/// daylight, abnormal current.
/// </summary>
public sealed class Streetlight : CourtyardDevice
{
    private readonly Ina219? _meter;
    private readonly CurrentTransformer? _transformer;
    private readonly Bh1750fvi? _light;
    private readonly Relay _relay;
    private readonly Hysteresis _burntOut;
    private readonly Hysteresis _abnormal;
    private readonly Hysteresis _daylight;
    private readonly double _litAboveA;
    private bool? _override;
    private TimeSpan? _overrideUntil;
    private bool _scheduleOn;

    /// <summary>Opens the lamp's parts.</summary>
    public Streetlight(DeviceManifest manifest, DeviceContext context)
        : base(manifest, context)
    {
        var current = Part("current");
        if (current.Driver == "ct-ads1115")
        {
            _transformer = new CurrentTransformer(context.Board, current);
        }
        else
        {
            _meter = Parts.OpenIna219(context.Board, current);
        }

        if (OptionalPart("light") is { } light)
        {
            _light = new Bh1750fvi(context.Board.OpenI2c(light.Bus ?? 1, Parts.Address(light)));
        }

        _scheduleOn = ScheduleSaysOn();
        _relay = new Relay(context.Board.Gpio, Part("relay"), _scheduleOn);
        var burntOut = ThresholdOf("burntOutCurrentA");
        _burntOut = new Hysteresis(burntOut);
        _abnormal = new Hysteresis(ThresholdOf("abnormalCurrentA"));
        _daylight = new Hysteresis(ThresholdOf("daylightLux"));
        _litAboveA = burntOut.Below ?? 0.05;
    }

    /// <summary>Whether the relay feeds the lamp.</summary>
    public bool RelayOn => _relay.Energised;

    /// <summary>
    /// Switches the lamp on a person's command (maintenance); the schedule takes over again after
    /// <paramref name="forMinutes"/>, or at its next change when no limit is given.
    /// </summary>
    public void Command(bool on, int? forMinutes = null)
    {
        lock (Gate)
        {
            _override = on;
            _overrideUntil = forMinutes is { } minutes ? Context.Monotonic + TimeSpan.FromMinutes(minutes) : null;
            Switch(on);
        }
    }

    /// <inheritdoc />
    public override void Tick()
    {
        lock (Gate)
        {
            var scheduled = ScheduleSaysOn();
            if (_overrideUntil is { } until && Context.Monotonic >= until)
            {
                _override = null;   // the maintenance window is over
                _overrideUntil = null;
            }
            else if (scheduled != _scheduleOn && _overrideUntil is null)
            {
                _override = null;
            }

            _scheduleOn = scheduled;

            Switch(_override ?? _scheduleOn);
        }
    }

    /// <inheritdoc />
    public override void Sample()
    {
        lock (Gate)
        {
            var now = Context.Monotonic;
            // A mains lamp's CT measures current only; its power is taken at the mains voltage, as a charger's is.
            var current = _meter is not null ? Math.Max(0, _meter.ReadCurrent().Amperes) : _transformer!.Read().Amps;
            double? volts = _meter?.ReadBusVoltage().Volts;
            var lit = current > _litAboveA;
            var sink = Context.Sink;
            sink.Reading(Sensor("current"), Quantity.Current, Math.Round(current, 3));
            if (volts is { } v)
            {
                sink.Reading(Sensor("voltage"), Quantity.Voltage, Math.Round(v, 2));
            }

            sink.Reading(Sensor("power"), Quantity.Power, Math.Round(current * (volts ?? Context.Safety.OutletVolts), 2));
            sink.Reading(Sensor("relay"), Quantity.Relay, _relay.Energised ? 1 : 0);
            sink.Reading(Sensor("lamp-on"), Quantity.LampOn, lit ? 1 : 0);
            double? lux = null;
            if (_light is not null)
            {
                lux = _light.Illuminance.Lux;
                sink.Reading(Sensor("light"), Quantity.Illuminance, Math.Round(lux.Value, 1));
            }

            if (_relay.Energised)
            {
                Judge(_burntOut.Update(current, now), EventKind.LampBurntOut, current);
                Judge(_abnormal.Update(current, now), EventKind.LampAbnormalCurrent, current);
            }

            if (lux is { } l)
            {
                Judge(lit ? _daylight.Update(l, now) : Clear(_daylight), EventKind.LampLitInDaylight, l);
            }
        }
    }

    private static Crossing Clear(Hysteresis condition)
    {
        var was = condition.Active;
        condition.Reset();
        return was ? Crossing.Cleared : Crossing.None;
    }

    private void Judge(Crossing crossing, EventKind raised, double value)
    {
        if (crossing == Crossing.Raised)
        {
            Context.Sink.Report(raised, Id, Math.Round(value, 3));
        }
        else if (crossing == Crossing.Cleared)
        {
            Context.Sink.Report(EventKind.LampRecovered, Id, Math.Round(value, 3), reason: $"{WireNames.Of(raised)} cleared");
        }
    }

    private void Switch(bool on)
    {
        if (on == _relay.Energised)
        {
            return;
        }

        _relay.Set(on);
        if (!on)
        {
            _burntOut.Reset();
            _abnormal.Reset();
        }

        Context.Sink.Report(EventKind.LampSwitched, Id, on ? 1 : 0);
    }

    private bool ScheduleSaysOn() =>
        !Context.ClockSynced() || SunPosition.Elevation(Context.Location.Lat, Context.Location.Lon, Context.Time.GetUtcNow() + Context.Board.SunShift) < -0.833;

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _meter?.Dispose();
            _light?.Dispose();
        }

        base.Dispose(disposing);
    }
}
