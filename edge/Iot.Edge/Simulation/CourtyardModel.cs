using System.Globalization;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Sites;

namespace Iot.Edge.Simulation;

/// <summary>
/// One agent's courtyard in software: a <see cref="SimulatedBoard"/> with a chip on every bus address and pin
/// the manifest names, and a physical model per device that sets what those chips measure.
/// </summary>
public sealed class CourtyardModel
{
    private readonly Dictionary<DeviceId, DeviceModel> _models = [];
    private readonly Dictionary<(int Bus, int Address), SimulatedAds1115> _ctAdcs = [];
    private readonly int _seed;
    private DateTimeOffset? _origin;
    private WorldContext? _world;
    private DateTimeOffset? _last;
    private readonly AgentId _agent;
    private readonly DemoScenario? _demo;
    private readonly List<(DateTimeOffset At, Action Mend)> _mends = [];

    /// <summary>Builds the courtyard for <paramref name="agent"/>'s manifest; with <paramref name="demo"/> it plays that demo's faults.</summary>
    public CourtyardModel(AgentManifest agent, Weather weather, ScenarioOptions options, DemoScenario? demo = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(options);
        var seed = options.Seed ^ StringComparer.Ordinal.GetHashCode(agent.Id.Value) ^ agent.Id.Value.Length;
        _world = options.Scripted ? null : new WorldContext(weather, new Random(seed), options.FaultRate);
        _seed = seed;
        _agent = agent.Id;
        _demo = options.Scripted ? null : demo;
        foreach (var device in agent.Devices)
        {
            _models[device.Id] = device.Kind switch
            {
                DeviceKind.Streetlight => BuildLamp(device),
                DeviceKind.Gate => BuildGate(device),
                DeviceKind.Drain => BuildDrain(device),
                _ => BuildCharger(device),
            };
        }
    }

    /// <summary>The board the agent's drivers open.</summary>
    public SimulatedBoard Board { get; } = new();

    /// <summary>The lamp <paramref name="id"/>.</summary>
    public LampModel Lamp(string id) => (LampModel)_models[DeviceId.Parse(id)];

    /// <summary>The gate <paramref name="id"/>.</summary>
    public GateModel Gate(string id) => (GateModel)_models[DeviceId.Parse(id)];

    /// <summary>The drain <paramref name="id"/>.</summary>
    public DrainModel Drain(string id) => (DrainModel)_models[DeviceId.Parse(id)];

    /// <summary>The charging station <paramref name="id"/>.</summary>
    public ChargerModel Charger(string id) => (ChargerModel)_models[DeviceId.Parse(id)];

    /// <summary>Moves every model to <paramref name="now"/>.</summary>
    public void Advance(DateTimeOffset now)
    {
        var elapsed = _last is { } last && now > last ? now - last : TimeSpan.Zero;
        _last = now;
        _origin ??= now;
        foreach (var adc in _ctAdcs.Values)
        {
            adc.NowSeconds = (now - _origin.Value).TotalSeconds; // the mains waveform runs on the simulated clock
        }

        if (_demo is not null)
        {
            PlayDemo(now);
        }

        foreach (var model in _models.Values)
        {
            model.Advance(now, elapsed, _world);
        }
    }

    /// <summary>The demo faults this courtyard has played, in order.</summary>
    public IReadOnlyList<PlannedFault> Played => _played;

    private readonly List<PlannedFault> _played = [];

    // Starts the faults the demo hands this courtyard and ends the ones whose time is up. Only the physics changes:
    // what the agent sees, reports and cuts off is the agent's own doing.
    private void PlayDemo(DateTimeOffset now)
    {
        foreach (var fault in _demo!.TakeDue(_agent, now))
        {
            _played.Add(fault);
            switch (fault.Kind)
            {
                case DemoFault.LampDarkAtNight:
                    var lamp = (LampModel)_models[fault.Device];
                    MakeNight(now, fault.Ends + TimeSpan.FromMinutes(1));
                    lamp.Fault = LampFault.BurntOut;
                    _mends.Add((fault.Ends, () => lamp.Fault = LampFault.None)); // repaired while it is still dark
                    break;
                case DemoFault.ChargerOverheating:
                    ((ChargerModel)_models[fault.Device]).Overheat();
                    break;
                case DemoFault.GateForced:
                    ((GateModel)_models[fault.Device]).Force(now, fault.Ends);
                    break;
                case DemoFault.DrainStorm:
                    ((DrainModel)_models[fault.Device]).Cloudburst(fault.Ends, CloudburstMmPerHour);
                    break;
            }
        }

        foreach (var due in _mends.Where(m => m.At <= now).ToList())
        {
            _mends.Remove(due);
            due.Mend();
        }
    }

    /// <summary>A violent summer cloudburst: it raises a drain past its alarm level in about three minutes.</summary>
    public const double CloudburstMmPerHour = 150;

    // A dark lamp shows only at night: by day, this courtyard's sun (the agent's lamp schedule and the lux the chips
    // see) runs whole hours ahead until it is dark here from now to until, then the real sky comes back.
    private void MakeNight(DateTimeOffset now, DateTimeOffset until)
    {
        var real = _world!.Weather;
        bool Dark(Weather w) => w.SunElevation(now) < -6 && w.SunElevation(until) < -6;
        if (Dark(real))
        {
            return;
        }

        foreach (var hours in new[] { 12, 11, 13, 10, 14, 9, 15, 8, 16 })
        {
            var shifted = real.WithSunShift(TimeSpan.FromHours(hours));
            if (Dark(shifted))
            {
                _world = _world with { Weather = shifted };
                Board.ShiftSun(shifted.SunShift);
                _mends.Add((until, () =>
                {
                    _world = _world with { Weather = real };
                    Board.ShiftSun(TimeSpan.Zero);
                }));
                return;
            }
        }
    }

    private static int Address(PartManifest part) => int.Parse(part.Address!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static PartManifest Part(DeviceManifest device, string role) => device.Parts.First(p => p.Role == role);

    private static PartManifest? Optional(DeviceManifest device, string role) => device.Parts.FirstOrDefault(p => p.Role == role);

    private LampModel BuildLamp(DeviceManifest device)
    {
        var current = Part(device, "current");
        var transformer = current.Driver == "ct-ads1115" ? Transformer(current) : null;
        var meter = transformer is null ? Board.Add(new SimulatedIna219(current.Bus ?? 1, Address(current), current.ShuntOhms ?? 0.1)) : null;
        var light = Optional(device, "light") is { } l ? Board.Add(new SimulatedBh1750(l.Bus ?? 1, Address(l))) : null;
        var relay = Part(device, "relay");
        return new LampModel(device.Id, Board.Driver, meter, light, relay.Pin!.Value, relay.ActiveLow ?? false, transformer);
    }

    // A CT on one input of an ADS1115; the inputs of one chip share it.
    private CtSignal Transformer(PartManifest part)
    {
        var key = (part.Bus ?? 1, Address(part));
        if (!_ctAdcs.TryGetValue(key, out var adc))
        {
            adc = Board.Add(new SimulatedAds1115(key.Item1, key.Item2));
            _ctAdcs[key] = adc;
        }

        var signal = new CtSignal(part.AmpsPerVolt ?? 5, _seed ^ (key.Item2 << 4) ^ (part.Channel ?? 0));
        adc.SetWaveform(part.Channel ?? 0, signal.VoltsAt);
        return signal;
    }

    private GateModel BuildGate(DeviceManifest device)
    {
        var reed = Part(device, "reed");
        var lockPart = Optional(device, "lock");
        return new GateModel(device.Id, Board.Driver, reed.Pin!.Value, reed.ActiveLow ?? false, lockPart?.Pin, lockPart?.ActiveLow ?? false);
    }

    private DrainModel BuildDrain(DeviceManifest device)
    {
        var level = Part(device, "level");
        var trip = DeviceCatalog.ThresholdOf(device, "waterLevelCm").Above ?? 30;
        var floatPin = Optional(device, "float")?.Pin;
        var floatActiveLow = Optional(device, "float")?.ActiveLow ?? false;
        if (level.Driver == "hcsr04")
        {
            var model = new DrainModel(device.Id, Board.Driver, level.MountHeightCm ?? 100, null, 0, 0, floatPin, trip + 5, floatActiveLow);
            Board.AttachRangeFinder(level.TriggerPin!.Value, level.EchoPin!.Value, () => model.DistanceCm);
            return model;
        }

        var adc = Board.Add(new SimulatedAds1115(level.Bus ?? 1, Address(level)));
        return new DrainModel(device.Id, Board.Driver, 100, adc, level.Channel ?? 0, level.FullScaleKpa ?? 10, floatPin, trip + 5, floatActiveLow);
    }

    private ChargerModel BuildCharger(DeviceManifest device)
    {
        var outlets = device.Parts.Where(p => p.Role == "current").Select(current =>
        {
            var relay = device.Parts.First(p => p.Role == "relay" && p.Outlet == current.Outlet);
            if (current.Driver == "ct-ads1115")
            {
                return new OutletModel(current.Outlet!.Value, null, relay.Pin!.Value, relay.ActiveLow ?? false, Transformer(current));
            }

            var meter = Board.Add(new SimulatedIna219(current.Bus ?? 1, Address(current), current.ShuntOhms ?? 0.05));
            return new OutletModel(current.Outlet!.Value, meter, relay.Pin!.Value, relay.ActiveLow ?? false);
        }).ToList();
        var temperature = Part(device, "temperature");
        var probe = temperature.Driver == "ds18b20" ? Board.Add(new SimulatedDs18b20(temperature.OneWireId!)) : null;
        var lm75 = temperature.Driver == "lm75" ? Board.Add(new SimulatedLm75(temperature.Bus ?? 1, Address(temperature))) : null;
        var smoke = Part(device, "smoke");
        return new ChargerModel(device.Id, Board.Driver, outlets, probe, lm75, smoke.Pin!.Value, smoke.ActiveLow ?? false);
    }
}
