using Iot.Edge.Hardware;
using Iot.Edge.Sensors.Ac;
using Iot.Edge.Simulation;

namespace Iot.Edge.Tests.Ac;

/// <summary>
/// The RMS maths on its own, and through the real <c>Iot.Device.Ads1115</c> binding over a simulated ADS1115 whose
/// input is a synthesised CT waveform (50 Hz, harmonics, noise) on a 1.65 V bias: within 2 % of the synthesised current.
/// </summary>
public sealed class AcRmsTests
{
    private const double Rate = 860;

    private static (double[] Seconds, double[] Volts) Sample(Func<double, double> volts, int count, double start = 0, Func<int, double>? jitter = null)
    {
        var seconds = Enumerable.Range(0, count).Select(i => start + (i / Rate) + (jitter?.Invoke(i) ?? 0)).ToArray();
        return (seconds, seconds.Select(volts).ToArray());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(1.7)]
    public void A_sine_on_a_bias_over_whole_cycles_gives_its_rms_and_the_bias_as_its_mean(double phase)
    {
        var (t, v) = Sample(s => 1.65 + (0.5 * Math.Sin((2 * Math.PI * 50 * s) + phase)), 86);

        var window = AcRms.Measure(t, v, 50, 0, 3.3);

        Assert.Equal(5, window.Cycles);
        Assert.Equal(0.5 / Math.Sqrt(2), window.RmsVolts, 4);
        Assert.Equal(1.65, window.MeanVolts, 4);
        Assert.False(window.Flat || window.Clipped);
    }

    [Fact]
    public void Unevenly_paced_reads_are_weighed_by_their_time_stamps_and_stay_within_2_percent()
    {
        var random = new Random(7);
        var jitter = Enumerable.Range(0, 200).Select(_ => random.NextDouble() * 0.0004).ToArray();
        var (t, v) = Sample(s => 1.65 + (0.4 * Math.Sin(2 * Math.PI * 50 * s)) + (0.1 * Math.Sin(6 * Math.PI * 50 * s)), 95, jitter: i => jitter[i]);

        var window = AcRms.Measure(t, v, 50, 0, 3.3);

        var expected = Math.Sqrt((0.4 * 0.4 / 2) + (0.1 * 0.1 / 2));
        Assert.InRange(window.RmsVolts, expected * 0.98, expected * 1.02);
    }

    [Fact]
    public void A_flat_line_is_flagged_and_reads_exactly_zero()
    {
        var (t, v) = Sample(_ => 1.65, 86);
        var window = AcRms.Measure(t, v, 50, 0, 3.3);
        Assert.True(window.Flat);
        Assert.Equal(0, window.RmsVolts);
    }

    [Fact]
    public void A_sample_at_a_rail_flags_the_window_as_clipped()
    {
        var (t, v) = Sample(s => Math.Clamp(1.65 + (3 * Math.Sin(2 * Math.PI * 50 * s)), 0, 3.3), 86);
        Assert.True(AcRms.Measure(t, v, 50, 0.01, 3.29).Clipped);
    }

    [Fact]
    public void A_window_shorter_than_a_mains_cycle_is_refused_with_its_length()
    {
        var (t, v) = Sample(_ => 1.65, 10);
        var e = Assert.Throws<ArgumentException>(() => AcRms.Measure(t, v, 50, 0, 3.3));
        Assert.Equal("an AC window must cover at least one mains cycle (20 ms); this one covers 11.6 ms", e.Message);
    }

    [Fact]
    public void Calibration_scales_by_its_factor_and_takes_the_noise_floor_out_in_quadrature()
    {
        var window = new AcWindow(0.2, 1.65, 5, false, false);
        Assert.Equal(1.0, AcRms.Amps(window, 5, CtCalibration.None), 6);
        Assert.Equal(Math.Sqrt((1.1 * 1.1) - (0.01 * 0.01)), AcRms.Amps(window, 5, new CtCalibration(ZeroA: 0.01, Factor: 1.1)), 6);
        Assert.Equal(0, AcRms.Amps(new AcWindow(0.001, 1.65, 5, false, false), 5, new CtCalibration(ZeroA: 0.01)));
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.15)]
    [InlineData(0.4)]
    [InlineData(1.0)]
    [InlineData(1.8)]
    [InlineData(3.0)]
    [InlineData(4.2)]
    [InlineData(5.5)]
    public void Through_the_ADS1115_binding_the_rms_is_within_2_percent_of_the_synthesised_current(double amps)
    {
        var (adc, chip, signal) = Transformer(seed: (int)(amps * 1000));
        signal.LoadA = amps;
        chip.NowSeconds = 9;
        adc.Measure(1);                                     // the load's inrush
        for (var start = 0.0; start < 1; start += 0.137)   // windows starting anywhere in the cycle
        {
            chip.NowSeconds = 10 + start;
            var read = AcRms.Amps(adc.Measure(1), 5, CtCalibration.None);
            Assert.InRange(read, amps * 0.98, amps * 1.02);
        }
    }

    [Fact]
    public void At_zero_current_it_reads_the_noise_floor_and_exactly_zero_once_that_floor_is_calibrated()
    {
        var (adc, chip, _) = Transformer(seed: 3);
        chip.NowSeconds = 1;
        var floor = AcRms.Amps(adc.Measure(1), 5, CtCalibration.None);
        Assert.InRange(floor, 0.0001, 0.005);   // a few LSB of noise: far below an unplugged charger's 0.03 A

        var zero = new CtCalibration(ZeroA: 0.005);
        Assert.Equal(0, AcRms.Amps(adc.Measure(1), 5, zero));
        Assert.False(adc.Measure(1).Flat);      // noise, not a flat line: a working transformer
    }

    [Fact]
    public void An_open_transformer_is_a_flat_line_and_a_saturated_one_clips()
    {
        var (adc, chip, signal) = Transformer(seed: 5);
        chip.NowSeconds = 2;
        signal.LoadA = 1.8;
        signal.Fault = CtFault.OpenCircuit;
        Assert.True(adc.Measure(1).Flat);
        signal.Fault = CtFault.Saturated;
        Assert.True(adc.Measure(1).Clipped);
    }

    [Fact]
    public void A_chargers_inrush_shows_in_the_first_window_only()
    {
        var (adc, chip, signal) = Transformer(seed: 9);
        chip.NowSeconds = 3;
        signal.LoadA = 1.8;
        var first = AcRms.Amps(adc.Measure(1), 5, CtCalibration.None);
        var later = AcRms.Amps(adc.Measure(1), 5, CtCalibration.None);
        Assert.InRange(first, 1.9, 2.9);            // above the load, below the 3 A cut-off
        Assert.InRange(later, 1.8 * 0.98, 1.8 * 1.02);
    }

    private static (CtAdc Adc, SimulatedAds1115 Chip, CtSignal Signal) Transformer(int seed)
    {
        var chip = new SimulatedAds1115(1, 0x49);
        var signal = new CtSignal(ampsPerVolt: 5, seed);
        chip.SetWaveform(1, signal.VoltsAt);
        return (new CtAdc(chip, new VirtualSampleClock()), chip, signal);
    }
}
