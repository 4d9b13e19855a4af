using Iot.Edge.Sensors.Ac;
using Iot.Protocol.Sites;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Calibration;

/// <summary>
/// Loads an agent's CT calibrations at start and logs a check of each transformer: calibrated (when, the numbers),
/// not calibrated (its rating alone is used: about ±3 % for an SCT-013), or implausible (ignored). A calibration file
/// that cannot be read is logged and ignored: the ratings alone still protect, only less exactly.
/// </summary>
public static partial class CalibrationCheck
{
    /// <summary>The agent's calibration book from <paramref name="folder"/>, checked against its manifest.</summary>
    public static CtCalibrationBook Load(string folder, AgentManifest agent, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(agent);
        CtCalibrationBook book;
        try
        {
            book = CtCalibrationBook.Load(folder);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Unreadable(logger, agent.Id.Value, e.Message);
            return CtCalibrationBook.InMemory();
        }

        var uncalibrated = new List<string>();
        foreach (var site in agent.Devices.SelectMany(d => d.Parts.Where(p => p.Driver == "ct-ads1115").Select(p => new TransformerSite(d, p))))
        {
            var part = site.Part;
            var calibration = book.Get(part.Bus ?? 1, Sensors.Parts.Address(part), part.Channel ?? 0);
            if (calibration.At is not { } at)
            {
                uncalibrated.Add(site.Name);
            }
            else if (!calibration.Plausible)
            {
                Implausible(logger, agent.Id.Value, site.Name, calibration.Factor, calibration.ZeroA);
                book.Set(part.Bus ?? 1, Sensors.Parts.Address(part), part.Channel ?? 0, CtCalibration.None, persist: false); // the file stays as the installer left it
            }
            else
            {
                Calibrated(logger, agent.Id.Value, site.Name, calibration.Factor, calibration.ZeroA, at);
            }
        }

        if (uncalibrated.Count > 0)
        {
            NotCalibrated(logger, agent.Id.Value, uncalibrated.Count, string.Join(", ", uncalibrated));
        }

        return book;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Agent}: CT {Transformer} calibrated: factor {Factor:0.000}, zero {Zero:0.0000} A, measured {At:u}")]
    private static partial void Calibrated(ILogger logger, string agent, string transformer, double factor, double zero, DateTimeOffset at);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Agent}: {Count} CTs are not calibrated, their ratings alone are used (run iot-edge calibrate): {Transformers}")]
    private static partial void NotCalibrated(ILogger logger, string agent, int count, string transformers);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Agent}: CT {Transformer} has an implausible calibration (factor {Factor}, zero {Zero} A); it is ignored and the rating alone is used")]
    private static partial void Implausible(ILogger logger, string agent, string transformer, double factor, double zero);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Agent}: the CT calibration file cannot be read ({Problem}); the ratings alone are used")]
    private static partial void Unreadable(ILogger logger, string agent, string problem);
}
