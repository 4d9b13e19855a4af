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
    private readonly WorldContext? _world;
    private DateTimeOffset? _last;

    /// <summary>Builds the courtyard for <paramref name="agent"/>'s manifest.</summary>
    public CourtyardModel(AgentManifest agent, Weather weather, ScenarioOptions options)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(options);
        var seed = options.Seed ^ StringComparer.Ordinal.GetHashCode(agent.Id.Value) ^ agent.Id.Value.Length;
        _world = options.Scripted ? null : new WorldContext(weather, new Random(seed), options.FaultRate);
        _seed = seed;
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

        foreach (var model in _models.Values)
        {
            model.Advance(now, elapsed, _world);
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
