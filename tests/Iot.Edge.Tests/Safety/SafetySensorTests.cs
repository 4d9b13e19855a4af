using Iot.Edge.Safety;

namespace Iot.Edge.Tests.Safety;

/// <summary>What counts as a failed safety sensor: the rules every interlock sensor is judged by.</summary>
public sealed class SafetySensorTests
{
    private static readonly TimeSpan T0 = TimeSpan.FromMinutes(1);

    private static SafetySensor Sensor(Func<double> read) => new("probe", () => read, -55, 125, T0);

    [Fact]
    public void A_plausible_fresh_reading_is_no_problem_and_a_sensor_not_read_yet_is_one()
    {
        var sensor = Sensor(() => 24.5);
        Assert.Equal("probe: no reading yet", sensor.Problem(T0));
        sensor.Sample(T0);
        Assert.Null(sensor.Problem(T0));
        Assert.Equal(24.5, sensor.Value);
    }

    [Theory]
    [InlineData(double.NaN, "probe: read NaN")]
    [InlineData(double.PositiveInfinity, "probe: read Infinity")]
    [InlineData(-127, "probe: read -127, outside the physical range -55 to 125")]
    [InlineData(126, "probe: read 126, outside the physical range -55 to 125")]
    public void Nan_infinity_and_values_outside_the_physical_range_are_failures(double value, string problem)
    {
        var sensor = Sensor(() => value);
        sensor.Sample(T0);
        Assert.Equal(problem, sensor.Problem(T0));
    }

    [Fact]
    public void A_read_that_throws_is_an_io_error_and_a_good_read_clears_it()
    {
        var fail = true;
        var sensor = Sensor(() => fail ? throw new IOException("Remote I/O error") : 30);
        sensor.Sample(T0);
        Assert.Equal("probe: I/O error: Remote I/O error", sensor.Problem(T0));
        fail = false;
        sensor.Sample(T0 + TimeSpan.FromMilliseconds(500));
        Assert.Null(sensor.Problem(T0 + TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public void A_reading_older_than_two_seconds_no_longer_counts()
    {
        var sensor = Sensor(() => 30);
        sensor.Sample(T0);
        Assert.Null(sensor.Problem(T0 + SafetySensor.StaleAfter));
        Assert.Equal("probe: no fresh reading for 2 s", sensor.Problem(T0 + SafetySensor.StaleAfter + TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public void A_sensor_that_cannot_be_opened_is_tried_again_after_1_2_4_8_16_then_every_30_seconds()
    {
        var tries = new List<TimeSpan>();
        var now = T0;
        var sensor = new SafetySensor("smoke input", () => { tries.Add(now); throw new IOException("busy"); }, 0, 1, now);
        Assert.Equal("could not be opened: busy", sensor.OpenFailure);
        for (; now < T0 + TimeSpan.FromMinutes(2); now += TimeSpan.FromMilliseconds(100))
        {
            sensor.Sample(now);
        }

        var gaps = tries.Zip(tries.Skip(1), (a, b) => Math.Round((b - a).TotalSeconds, 1)).ToList();
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], gaps.Take(7));
        Assert.Equal("smoke input: could not be opened: busy", sensor.Problem(now));
    }
}
