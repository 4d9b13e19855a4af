using System.Device.I2c;
using Iot.Protocol.Identifiers;

namespace Iot.Edge.Simulation;

/// <summary>
/// One outlet of a charging station: the bike plugged in and what its charger draws, seen by an INA219 (<paramref name="meter"/>)
/// or by a current transformer on an ADS1115 input (<paramref name="transformer"/>).
/// </summary>
public sealed class OutletModel(int number, SimulatedIna219? meter, int relayPin, bool relayActiveLow, CtSignal? transformer = null)
{
    /// <summary>Outlet number, from 1.</summary>
    public int Number { get; } = number;

    /// <summary>What the plugged-in charger draws when the relay feeds it, A (0 when nothing is plugged in).</summary>
    public double LoadA { get; set; }

    /// <summary>Minutes the bike has been charging (drives the CC/CV curve when the world runs).</summary>
    public double ChargingMinutes { get; set; }

    /// <summary>Whether a bike is plugged in.</summary>
    public bool BikePresent { get; set; }

    /// <summary>A faulty charger that draws over-current.</summary>
    public bool Faulty { get; set; }

    /// <summary>The outlet's current transformer, when it has one (tests make it fail).</summary>
    public CtSignal? Transformer { get; } = transformer;

    internal SimulatedIna219? Meter { get; } = meter;

    internal int RelayPin { get; } = relayPin;

    internal bool RelayActiveLow { get; } = relayActiveLow;
}

/// <summary>
/// An e-bike charging station: outlets with bikes on CC/CV charge curves, a temperature probe in the cabinet,
/// a smoke detector, and now and then a battery that runs away thermally.
/// </summary>
public sealed class ChargerModel : DeviceModel
{
    private readonly Action<double> _setTemperature;
    private readonly int _smokePin;
    private readonly bool _smokeActiveLow;
    private readonly List<OutletModel> _outlets;

    /// <summary>Creates a station with its outlets idle and its cabinet at air temperature.</summary>
    public ChargerModel(DeviceId id, SimulatedGpioDriver pins, IEnumerable<OutletModel> outlets, SimulatedDs18b20? probe, I2cDevice? lm75, int smokePin, bool smokeActiveLow)
        : base(id, pins)
    {
        _outlets = outlets.OrderBy(o => o.Number).ToList();
        _setTemperature = probe is not null ? t => probe.Celsius = t : lm75 is SimulatedLm75 chip ? t => chip.Celsius = t : _ => { };
        _smokePin = smokePin;
        _smokeActiveLow = smokeActiveLow;
        Apply();
    }

    /// <summary>Cabinet temperature, °C.</summary>
    public double TemperatureC { get; set; } = 20;

    /// <summary>Whether the smoke detector alarms.</summary>
    public bool Smoke { get; set; }

    /// <summary>A battery in thermal runaway: heat rises until the relay cuts it and it burns out.</summary>
    public bool Runaway { get; set; }

    /// <summary>
    /// The demo's overheating: a bike on outlet 1 whose battery runs away fast (about a minute and a half to the cut-off)
    /// and stops heating once the agent's interlock has cut every outlet. The cut-off itself is the agent's, not this.
    /// </summary>
    public void Overheat()
    {
        var outlet = _outlets[0];
        if (!outlet.BikePresent)
        {
            outlet.BikePresent = true;
            outlet.ChargingMinutes = 0;
        }

        Runaway = true;
        _fastRunaway = true;
    }

    private bool _fastRunaway;

    /// <summary>The station's outlets.</summary>
    public IReadOnlyList<OutletModel> Outlets => _outlets;

    /// <summary>Outlet <paramref name="number"/>.</summary>
    public OutletModel Outlet(int number) => _outlets.First(o => o.Number == number);

    /// <summary>Whether outlet <paramref name="number"/>'s relay feeds it.</summary>
    public bool RelayOn(int number)
    {
        var outlet = Outlet(number);
        return Energised(outlet.RelayPin, outlet.RelayActiveLow);
    }

    /// <inheritdoc />
    public override void Advance(DateTimeOffset now, TimeSpan elapsed, WorldContext? world)
    {
        if (world is not null)
        {
            Live(now, elapsed, world);
        }

        Apply();
    }

    private void Live(DateTimeOffset now, TimeSpan elapsed, WorldContext world)
    {
        var hour = now.ToOffset(TimeSpan.FromHours(8)).Hour;
        var fed = 0.0;
        foreach (var outlet in _outlets)
        {
            if (!outlet.BikePresent && world.Chance(hour is >= 18 and < 23 ? 0.4 : 0.04, elapsed))
            {
                outlet.BikePresent = true;
                outlet.ChargingMinutes = 0;
                outlet.Faulty = world.Random.NextDouble() < 0.01 * world.FaultRate;
            }
            else if (outlet.BikePresent && world.Chance(hour is >= 7 and < 9 ? 0.5 : 0.03, elapsed))
            {
                outlet.BikePresent = false; // ridden away in the morning
            }

            var on = Energised(outlet.RelayPin, outlet.RelayActiveLow);
            if (outlet.BikePresent && on)
            {
                outlet.ChargingMinutes += elapsed.TotalMinutes;
            }

            // Constant current for about three hours, then the charger's voltage limit tapers it to a trickle.
            var m = outlet.ChargingMinutes;
            outlet.LoadA = !outlet.BikePresent ? 0 : outlet.Faulty ? 4.2 : m < 180 ? 1.8 : Math.Max(0.05, 1.8 * Math.Exp(-(m - 180) / 40));
            fed += on ? outlet.LoadA : 0;
        }

        if (!Runaway && fed > 0.5 && world.Chance(world.FaultRate / (24 * 60.0), elapsed))
        {
            Runaway = true;
        }

        var air = Weather.AirTemperature(now);
        var target = air + (2 * fed) + (Runaway ? 90 : 0);
        var rate = Runaway ? (_fastRunaway ? 0.4 : 0.05) : 0.1; // per minute, towards the target
        TemperatureC += (target - TemperatureC) * Math.Min(1, rate * elapsed.TotalMinutes);
        if (Runaway && _outlets.All(o => !Energised(o.RelayPin, o.RelayActiveLow)) && (_fastRunaway || world.Chance(2, elapsed)))
        {
            Runaway = false; // cut off, the pack cools down
            _fastRunaway = false;
        }

        Smoke = TemperatureC > 80;
    }

    private void Apply()
    {
        foreach (var outlet in _outlets)
        {
            var on = Energised(outlet.RelayPin, outlet.RelayActiveLow);
            if (outlet.Meter is { } meter)
            {
                meter.CurrentA = on ? outlet.LoadA : 0;
                meter.BusVolts = 0; // an INA219 measures current only on a mains outlet (a shunt on an isolated low side)
            }

            if (outlet.Transformer is { } ct)
            {
                ct.LoadA = on ? outlet.LoadA : 0;
            }
        }

        _setTemperature(TemperatureC);
        Pins.SetInput(_smokePin, Level(Smoke, _smokeActiveLow));
    }
}
