namespace Iot.Edge.Sensors.Ac;

/// <summary>What one window of ADC samples of a current transformer says.</summary>
/// <param name="RmsVolts">True RMS of the AC part of the signal (the mean removed), over whole mains cycles, V.</param>
/// <param name="MeanVolts">The DC part: the bias the CT rides on, V.</param>
/// <param name="Cycles">Whole mains cycles the window covered.</param>
/// <param name="Flat">Every sample the same: no signal and no noise at all, which no working transformer and ADC give.</param>
/// <param name="Clipped">A sample sat at an input rail: the transformer is saturated or the load is beyond its range.</param>
public readonly record struct AcWindow(double RmsVolts, double MeanVolts, int Cycles, bool Flat, bool Clipped);

/// <summary>
/// True RMS of a mains current seen by a current transformer, from time-stamped ADC samples. Pure: no I/O, no clock.
/// The window is cut to a whole number of mains cycles, because a partial cycle biases the mean square by up to the
/// share of the cycle left over. Each sample weighs the time until the next one (a sample-and-hold), so reads that a
/// busy Pi paces unevenly still give the right answer; the DC bias is removed as the window's time-weighted mean.
/// </summary>
public static class AcRms
{
    /// <summary>Measures the window of <paramref name="volts"/> taken at <paramref name="seconds"/> (ascending).</summary>
    /// <param name="seconds">When each sample was converted, s, from any origin.</param>
    /// <param name="volts">The ADC input, V.</param>
    /// <param name="mainsHz">The mains frequency (50 in China).</param>
    /// <param name="railLow">At or below this the input is clipped (the ADC's lower rail), V.</param>
    /// <param name="railHigh">At or above this the input is clipped (the upper rail), V.</param>
    /// <exception cref="ArgumentException">Fewer than two samples, or a window shorter than one mains cycle.</exception>
    public static AcWindow Measure(ReadOnlySpan<double> seconds, ReadOnlySpan<double> volts, double mainsHz, double railLow, double railHigh)
    {
        if (seconds.Length != volts.Length || seconds.Length < 2)
        {
            throw new ArgumentException("an AC window needs at least two samples, each with its time");
        }

        // The last sample holds for the typical spacing, so n evenly spaced samples cover n periods.
        var spacing = (seconds[^1] - seconds[0]) / (seconds.Length - 1);
        var span = seconds[^1] - seconds[0] + spacing;
        var cycles = (int)Math.Floor((span * mainsHz) + 1e-6);
        if (cycles < 1)
        {
            throw new ArgumentException($"an AC window must cover at least one mains cycle ({1000 / mainsHz:0} ms); this one covers {span * 1000:0.#} ms");
        }

        var end = seconds[0] + (cycles / mainsHz);
        double sum = 0, sumSquares = 0, covered = 0;
        var flat = true;
        var clipped = false;
        for (var i = 0; i < volts.Length && seconds[i] < end; i++)
        {
            var next = i + 1 < seconds.Length ? Math.Min(seconds[i + 1], end) : end;
            var weight = Math.Max(0, next - seconds[i]);
            sum += volts[i] * weight;
            sumSquares += volts[i] * volts[i] * weight;
            covered += weight;
            flat &= volts[i] == volts[0];
            clipped |= volts[i] <= railLow || volts[i] >= railHigh;
        }

        var mean = sum / covered;
        var variance = Math.Max(0, (sumSquares / covered) - (mean * mean));
        return new AcWindow(flat ? 0 : Math.Sqrt(variance), mean, cycles, flat, clipped);
    }

    /// <summary>
    /// The load current from a window: the transformer's rating (<paramref name="ampsPerVolt"/>) times the calibrated
    /// factor, with the channel's own noise floor (<see cref="CtCalibration.ZeroA"/>, measured with the relay open) taken out in
    /// quadrature, as independent noise adds.
    /// </summary>
    public static double Amps(AcWindow window, double ampsPerVolt, CtCalibration calibration)
    {
        var amps = window.RmsVolts * ampsPerVolt * calibration.Factor;
        return Math.Sqrt(Math.Max(0, (amps * amps) - (calibration.ZeroA * calibration.ZeroA)));
    }
}
