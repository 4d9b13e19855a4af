namespace Iot.Edge.Simulation;

/// <summary>How a simulated current transformer fails.</summary>
public enum CtFault
{
    /// <summary>It works.</summary>
    None,

    /// <summary>The secondary is open inside the transformer (its burden still across the bias): the input sits exactly on its bias, with no noise.</summary>
    OpenCircuit,

    /// <summary>Its plug pulled out of the jack: the 100 kΩ pull-down holds the input at 0 V, a rail.</summary>
    Unplugged,

    /// <summary>Driven far beyond its range (wrong transformer, burden open): the output hits the input's rails and clips.</summary>
    Saturated,
}

/// <summary>
/// What a CT on a 3.3 V bias circuit puts on an ADS1115 input: the load's 50 Hz current with the odd harmonics a
/// switch-mode charger or LED driver draws, noise, and the inrush of a load switching on, scaled by the transformer's
/// rating (volts RMS per amp RMS) and clipped at the rails. <see cref="LoadA"/> is the true RMS of the current the
/// waveform carries, harmonics and all, so a reading can be checked against it. Called under the chip's lock.
/// </summary>
public sealed class CtSignal(double ampsPerVolt, int seed, double biasVolts = 1.65, double supplyVolts = 3.3)
{
    private const double MainsHz = 50;
    private readonly Random _noise = new(seed);
    private double _load;
    private bool _inrushPending;
    private double? _inrushFrom;

    /// <summary>The load's current, true RMS, A (0 when unplugged or the relay is open).</summary>
    public double LoadA
    {
        get => _load;
        set
        {
            if (_load <= 0 && value > 0)
            {
                _inrushPending = true; // a load switching on: its input capacitors charge at the next instant sampled
            }

            _load = Math.Max(0, value);
        }
    }

    /// <summary>Third harmonic, as a share of the fundamental (a switch-mode charger draws peaky current).</summary>
    public double Third { get; set; } = 0.3;

    /// <summary>Fifth harmonic, as a share of the fundamental.</summary>
    public double Fifth { get; set; } = 0.1;

    /// <summary>Noise on the input, V RMS (the CT's burden, the bias divider and the ADC together: about 2 LSB).</summary>
    public double NoiseVolts { get; set; } = 0.00025;

    /// <summary>Peak of the inrush on switching on, as a multiple of the load's fundamental peak.</summary>
    public double Inrush { get; set; } = 2;

    /// <summary>Time constant of the inrush's decay, s.</summary>
    public double InrushSeconds { get; set; } = 0.015;

    /// <summary>The transformer's real ratio over its rated one (tolerance; what calibration finds).</summary>
    public double GainError { get; set; } = 1;

    /// <summary>How the transformer fails.</summary>
    public CtFault Fault { get; set; }

    /// <summary>The input's voltage at <paramref name="seconds"/> of the simulated clock.</summary>
    public double VoltsAt(double seconds)
    {
        if (Fault == CtFault.OpenCircuit)
        {
            return biasVolts;
        }

        if (Fault == CtFault.Unplugged)
        {
            return 0;
        }

        if (_inrushPending)
        {
            _inrushFrom = seconds;
            _inrushPending = false;
        }

        var w = 2 * Math.PI * MainsHz * seconds;
        var peak = _load * Math.Sqrt(2) / Math.Sqrt(1 + (Third * Third) + (Fifth * Fifth));
        var amps = peak * (Math.Sin(w) + (Third * Math.Sin(3 * w)) + (Fifth * Math.Sin(5 * w)));
        if (_inrushFrom is { } from && seconds >= from && _load > 0)
        {
            amps += Inrush * peak * Math.Sin(w) * Math.Exp(-(seconds - from) / InrushSeconds);
        }

        var volts = biasVolts + (amps * GainError / ampsPerVolt) + (NoiseVolts * Gaussian());
        if (Fault == CtFault.Saturated)
        {
            volts = biasVolts + ((volts - biasVolts) * 50);
        }

        return Math.Clamp(volts, 0, supplyVolts);
    }

    private double Gaussian() =>
        Math.Sqrt(-2 * Math.Log(1 - _noise.NextDouble())) * Math.Cos(2 * Math.PI * _noise.NextDouble());
}
