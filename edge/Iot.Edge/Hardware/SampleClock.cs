using System.Diagnostics;

namespace Iot.Edge.Hardware;

/// <summary>
/// Paces and time-stamps the reads of an ADC converting continuously. On a Pi the reads follow the chip's data rate
/// by the stopwatch; in simulation they follow the simulated chip's own conversions, so no test waits for real time.
/// </summary>
public abstract class SampleClock
{
    /// <summary>Now, s, from any origin.</summary>
    public abstract double Seconds { get; }

    /// <summary>Waits until the next conversion, <paramref name="period"/> s after the last one, is due.</summary>
    public abstract void AwaitConversion(double period);
}

/// <summary>
/// The Pi's pacing: sleeps the bulk of a conversion period (Linux's high-resolution timers wake within about 0.1 ms)
/// and spins the rest, so a CT window costs little CPU. A late wake-up shows in the time stamp, which the RMS weighs.
/// </summary>
public sealed class StopwatchSampleClock : SampleClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private double _last = double.NegativeInfinity;

    /// <inheritdoc />
    public override double Seconds => _watch.Elapsed.TotalSeconds;

    /// <inheritdoc />
    public override void AwaitConversion(double period)
    {
        var due = Math.Max(_last + period, Seconds - period);
        if (due - Seconds > 0.0012)
        {
            Thread.Sleep(1);
        }

        while (Seconds < due)
        {
            Thread.SpinWait(20);
        }

        _last = Seconds;
    }
}

/// <summary>Simulated pacing: every conversion arrives exactly one period after the last, in no real time.</summary>
public sealed class VirtualSampleClock : SampleClock
{
    private double _now;

    /// <inheritdoc />
    public override double Seconds => _now;

    /// <inheritdoc />
    public override void AwaitConversion(double period) => _now += period;
}
