using System.Globalization;
using Iot.Edge.Hardware;
using Iot.Protocol.Sites;

namespace Iot.Edge.Sensors.Ac;

/// <summary>
/// A current transformer on one input of an ADS1115 (driver <c>ct-ads1115</c>): a 220 V circuit's current, measured
/// through the transformer's isolation, as true RMS over whole mains cycles with the calibration of that input applied.
/// </summary>
public sealed class CurrentTransformer
{
    private const string ClippedReason = "the input sits at a rail: the transformer is saturated, the load beyond its range, or the transformer unplugged (its input pulled to 0 V)";

    private readonly Board _board;
    private readonly int _bus;
    private readonly int _address;
    private readonly int _channel;
    private readonly double _ampsPerVolt;

    /// <summary>Opens the chip (it must answer) for <paramref name="part"/>'s input.</summary>
    /// <exception cref="IOException">The chip does not answer.</exception>
    public CurrentTransformer(Board board, PartManifest part)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(part);
        _board = board;
        _bus = part.Bus ?? 1;
        _address = Parts.Address(part);
        _channel = part.Channel ?? 0;
        _ampsPerVolt = part.AmpsPerVolt ?? 5;
        board.OpenCtAdc(_bus, _address);
    }

    /// <summary>How people know it: <c>CT on ADS1115 0x48 AIN1</c>.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"CT on ADS1115 0x{_address:x2} AIN{_channel}");

    /// <summary>The input's calibration in force.</summary>
    public CtCalibration Calibration => _board.Calibration.Get(_bus, _address, _channel);

    /// <summary>Records a new calibration for this input.</summary>
    public void Calibrate(CtCalibration calibration) => _board.Calibration.Set(_bus, _address, _channel, calibration);

    /// <summary>Measures one window: the load current, A, and the window it came from.</summary>
    /// <exception cref="IOException">The chip did not answer, or the input clipped (no current can be read from a clipped wave).</exception>
    public (double Amps, AcWindow Window) Read()
    {
        var window = _board.OpenCtAdc(_bus, _address).Measure(_channel);
        if (window.Clipped)
        {
            throw new IOException(ClippedReason);
        }

        return (AcRms.Amps(window, _ampsPerVolt, Calibration), window);
    }

    /// <summary>Measures one window with no calibration: RMS amps by the rating alone (what calibration compares).</summary>
    public double ReadUncalibrated()
    {
        var window = _board.OpenCtAdc(_bus, _address).Measure(_channel);
        return window.Clipped
            ? throw new IOException(ClippedReason)
            : AcRms.Amps(window, _ampsPerVolt, CtCalibration.None);
    }
}
