using System.Globalization;
using Iot.Edge.Hardware;
using Iot.Edge.Simulation;
using Iot.Edge.Sites;
using Iot.Protocol.Sites;

namespace Iot.Edge.Calibration;

/// <summary>
/// <c>iot-edge calibrate &lt;site&gt; --agent &lt;id&gt; --zero</c> measures every CT's noise floor with the relays open;
/// <c>... --device &lt;id&gt; [--outlet n] --known-amps A</c> measures one circuit's factor against a load a person
/// measured with a clamp meter. Both write <c>ct-calibration.json</c> in the agent's data folder, which the agent
/// applies and checks at every start. Stop the agent first (<c>systemctl stop iot-edge</c>): this drives the relays.
/// </summary>
public static class CalibrateCommand
{
    private const string Usage = """
        usage: iot-edge calibrate <site folder> --agent <id> [--data <folder>] [--simulate] --zero
               iot-edge calibrate <site folder> --agent <id> [--data <folder>] [--simulate] --device <id> [--outlet <n>] --known-amps <A>
        Stop the agent first: calibration switches the relays itself.
        """;

    /// <summary>Runs the verb; returns the exit code (0 written, 1 measurement refused, 2 usage).</summary>
    public static int Run(string[] args, TextWriter output, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var clock = time ?? TimeProvider.System;
        if (Parse(args) is not { } request)
        {
            output.WriteLine(Usage);
            return 2;
        }

        var read = SiteFiles.Read(request.Site);
        var agent = read.Site?.Agents.Select(a => a.Agent).FirstOrDefault(a => a.Id.Value == request.Agent);
        if (agent is null)
        {
            output.WriteLine(read.Site is null ? $"{request.Site}: {string.Join("; ", read.Problems.Take(3))}" : $"agent '{request.Agent}' is not in {request.Site}");
            return 2;
        }

        var folder = Path.Combine(request.Data, agent.Id.Value);
        var model = request.Simulate ? new CourtyardModel(agent, new Weather(25.03, 102.68, 1), new ScenarioOptions { Scripted = true }) : null;
        using var board = model is not null ? (Board)model.Board : new PiBoard();
        board.Calibration = Sensors.Ac.CtCalibrationBook.Load(folder);
        var now = clock.GetUtcNow();
        Action settle = model is null ? () => Thread.Sleep(2000) : () => model.Advance(now += TimeSpan.FromSeconds(2));
        var calibrator = new CtCalibrator(board, agent, settle, clock);
        if (calibrator.Transformers.Count == 0)
        {
            output.WriteLine($"agent '{agent.Id}' has no current transformers (driver ct-ads1115)");
            return 2;
        }

        try
        {
            if (request.Zero)
            {
                foreach (var (site, calibration) in calibrator.MeasureZero())
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{site.Name}: zero {calibration.ZeroA:0.0000} A"));
                    if (calibration.ZeroA == 0)
                    {
                        // A flat line while charging is taken for an open transformer: a channel that is flat even when
                        // working would cut an outlet whenever a charging bike is unplugged.
                        output.WriteLine($"  warning: {site.Name} reads a flat line with no current (not even noise); check its wiring before use");
                    }
                }
            }
            else
            {
                var site = calibrator.Transformers.FirstOrDefault(t => t.Device.Id.Value == request.Device && t.Part.Outlet == request.Outlet);
                if (site is null)
                {
                    output.WriteLine($"agent '{agent.Id}' has no current transformer on {request.Device}{(request.Outlet is { } o ? $" outlet {o}" : string.Empty)}");
                    return 2;
                }

                if (model is not null)
                {
                    Load(model, site, request.KnownAmps!.Value); // the simulated world draws what the person says
                }

                var calibration = calibrator.MeasureFactor(site, request.KnownAmps!.Value);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{site.Name}: factor {calibration.Factor:0.0000}, zero {calibration.ZeroA:0.0000} A"));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ArgumentOutOfRangeException)
        {
            output.WriteLine($"iot-edge calibrate: {e.Message}");
            return 1;
        }

        output.WriteLine($"written to {Path.Combine(folder, Sensors.Ac.CtCalibrationBook.FileName)}; the agent applies it at its next start");
        return 0;
    }

    private static void Load(CourtyardModel model, TransformerSite site, double amps)
    {
        if (site.Device.Kind == DeviceKind.Charger)
        {
            model.Charger(site.Device.Id.Value).Outlet(site.Part.Outlet!.Value).LoadA = amps;
        }
        else
        {
            model.Lamp(site.Device.Id.Value).NominalCurrentA = amps;
        }
    }

    private static Request? Parse(string[] args)
    {
        var request = new Request();
        for (var i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--agent": request.Agent = Next(); break;
                case "--data": request.Data = Next() ?? request.Data; break;
                case "--simulate": request.Simulate = true; break;
                case "--zero": request.Zero = true; break;
                case "--device": request.Device = Next(); break;
                case "--outlet" when int.TryParse(Next(), CultureInfo.InvariantCulture, out var outlet): request.Outlet = outlet; break;
                case "--known-amps" when double.TryParse(Next(), CultureInfo.InvariantCulture, out var amps): request.KnownAmps = amps; break;
                case var site when !site.StartsWith('-') && request.Site.Length == 0: request.Site = site; break;
                default: return null;
            }
        }

        var valid = request.Site.Length > 0 && request.Agent is not null
            && (request.Zero ? request.Device is null && request.KnownAmps is null : request.Device is not null && request.KnownAmps is not null);
        return valid ? request : null;
    }

    private sealed class Request
    {
        public string Site { get; set; } = string.Empty;

        public string? Agent { get; set; }

        public string Data { get; set; } = Path.Combine("data", "edge");

        public bool Simulate { get; set; }

        public bool Zero { get; set; }

        public string? Device { get; set; }

        public int? Outlet { get; set; }

        public double? KnownAmps { get; set; }
    }
}
