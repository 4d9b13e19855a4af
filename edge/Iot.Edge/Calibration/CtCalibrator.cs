using System.Globalization;
using Iot.Edge.Hardware;
using Iot.Edge.Sensors;
using Iot.Edge.Sensors.Ac;
using Iot.Protocol.Sites;

namespace Iot.Edge.Calibration;

/// <summary>One current transformer of an agent: the device and outlet it measures, and its part.</summary>
/// <param name="Device">The charger or lamp.</param>
/// <param name="Part">Its <c>ct-ads1115</c> part.</param>
public sealed record TransformerSite(DeviceManifest Device, PartManifest Part)
{
    /// <summary>How an installer knows it: <c>charger-01 outlet 2 (ADS1115 0x49 AIN1)</c>.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture,
        $"{Device.Id}{(Part.Outlet is { } o ? $" outlet {o}" : string.Empty)} (ADS1115 {Part.Address} AIN{Part.Channel})");

    /// <summary>The relay that feeds the circuit the transformer sits on.</summary>
    public PartManifest Relay => Device.Parts.First(p => p.Role == "relay" && p.Outlet == Part.Outlet);
}

/// <summary>
/// Measures the CTs of an agent, as <c>iot-edge calibrate</c> does: each input's noise floor with every relay open
/// (<see cref="MeasureZero"/>), then a circuit's factor against a load whose current a person measured with a clamp
/// meter (<see cref="MeasureFactor"/>), and records both in the board's calibration book. The agent must not be
/// running: the calibrator drives the relays itself, and opens them all again when it is done.
/// </summary>
/// <param name="board">The agent's buses (a Pi's, or the simulation's).</param>
/// <param name="agent">The agent's manifest.</param>
/// <param name="settle">Waits for a switched relay and its load to settle (2 s on a Pi; moves the model in simulation).</param>
/// <param name="time">When calibrations are stamped.</param>
public sealed class CtCalibrator(Board board, AgentManifest agent, Action settle, TimeProvider time)
{
    /// <summary>Windows averaged per measurement (each 100 ms).</summary>
    public const int Windows = 10;

    /// <summary>Every CT of the agent, in manifest order.</summary>
    public IReadOnlyList<TransformerSite> Transformers { get; } = agent.Devices
        .SelectMany(d => d.Parts.Where(p => p.Driver == "ct-ads1115").Select(p => new TransformerSite(d, p))).ToList();

    /// <summary>
    /// With every relay open, measures each CT's noise floor and records it (the factor is kept, or 1). Returns the
    /// calibrations written.
    /// </summary>
    public IReadOnlyList<(TransformerSite Site, CtCalibration Calibration)> MeasureZero()
    {
        using var relays = new RelaySet(board, Transformers);
        settle();
        var results = new List<(TransformerSite, CtCalibration)>();
        foreach (var site in Transformers)
        {
            var ct = new CurrentTransformer(board, site.Part);
            var old = ct.Calibration;
            var zeroRaw = RootMeanSquare(ct);
            var calibration = old with { ZeroA = zeroRaw * old.Factor, At = time.GetUtcNow(), Note = string.Create(CultureInfo.InvariantCulture, $"zero {zeroRaw:0.0000} A with the relay open") };
            ct.Calibrate(calibration);
            results.Add((site, calibration));
        }

        return results;
    }

    /// <summary>
    /// Closes the relay of <paramref name="site"/>'s circuit with a load drawing <paramref name="knownA"/> (measured by
    /// a clamp meter), measures, records the factor, and opens the relay again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The load reads nothing, or the factor is not believable.</exception>
    public CtCalibration MeasureFactor(TransformerSite site, double knownA)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (!double.IsFinite(knownA) || knownA is < 0.1 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(knownA), knownA, "the known load must draw 0.1 to 10 A (a 100 W bulb draws about 0.45 A at 220 V)");
        }

        var ct = new CurrentTransformer(board, site.Part);
        var old = ct.Calibration;
        var zeroRaw = old.ZeroA / old.Factor;
        double measuredRaw;
        using (var relays = new RelaySet(board, Transformers))
        {
            relays.Energise(site);
            settle();
            var rms = RootMeanSquare(ct);
            measuredRaw = Math.Sqrt(Math.Max(0, (rms * rms) - (zeroRaw * zeroRaw)));
        }

        var factor = measuredRaw > 0 ? knownA / measuredRaw : double.PositiveInfinity;
        var calibration = old with
        {
            ZeroA = zeroRaw * factor,
            Factor = factor,
            At = time.GetUtcNow(),
            Note = string.Create(CultureInfo.InvariantCulture, $"factor {factor:0.000} against a {knownA:0.###} A load; zero {zeroRaw:0.0000} A"),
        };
        if (!calibration.Plausible)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{site.Name} read {measuredRaw:0.000} A for a {knownA:0.###} A load: a factor of {factor:0.000} is outside {CtCalibration.MinFactor} to {CtCalibration.MaxFactor}; check the transformer's rating (ampsPerVolt), that it clamps the live wire only, and the load; nothing was written"));
        }

        ct.Calibrate(calibration);
        return calibration;
    }

    // Averages the mean square over several windows, then takes the root: independent windows add in power, not amplitude.
    private static double RootMeanSquare(CurrentTransformer ct)
    {
        ct.ReadUncalibrated(); // a window to let a load's inrush pass
        var sum = 0.0;
        for (var i = 0; i < Windows; i++)
        {
            var amps = ct.ReadUncalibrated();
            sum += amps * amps;
        }

        return Math.Sqrt(sum / Windows);
    }

    // Every relay of a CT circuit, off from the start and off again at the end, whatever happens in between.
    private sealed class RelaySet : IDisposable
    {
        private readonly Dictionary<TransformerSite, Relay> _relays = [];

        public RelaySet(Board board, IEnumerable<TransformerSite> sites)
        {
            foreach (var site in sites)
            {
                _relays[site] = new Relay(board.Gpio, site.Relay, energised: false);
            }
        }

        public void Energise(TransformerSite site) => _relays[site].Set(true);

        public void Dispose()
        {
            foreach (var relay in _relays.Values)
            {
                relay.Set(false);
            }
        }
    }
}
