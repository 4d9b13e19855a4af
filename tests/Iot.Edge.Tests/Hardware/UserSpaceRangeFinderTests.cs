using Iot.Edge.Hardware;
using Iot.Edge.Simulation;

namespace Iot.Edge.Tests.Hardware;

/// <summary>Tests that time HC-SR04 echoes in user space run alone: two busy-polling threads on two cores deschedule each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EchoTiming
{
    public const string Name = "echo timing";
}

/// <summary>
/// The Pi's fallback HC-SR04 reader (kernels without srf04) on the real Iot.Device.Bindings binding, over a simulated
/// echo pin that answers each trigger with a pulse as long as the sound's round trip.
/// </summary>
[Collection(EchoTiming.Name)]
public sealed class UserSpaceRangeFinderTests
{
    [Fact]
    public void An_agent_timed_hc_sr04_reads_the_echo_distance()
    {
        using var board = new SimulatedBoard();
        board.Driver.AttachUltrasonic(18, 19, () => 57.0);
        var read = UserSpaceRangeFinder.Open(board.Gpio, 18, 19);

        // User-space timing is exact only while the polling thread is not descheduled as the echo ends; a busy host
        // makes single echoes long, which is why each read is the median of a burst. The tolerance the reader needs is
        // the speed of sound's 1.5 cm per 87 µs of lateness; a busy test host can still disturb whole bursts, so the
        // test asks for three reads within it out of up to twenty, not for every read. A burst whose echoes mostly
        // timed out (the simulated echo's thread itself descheduled) fails as a whole; it counts as a read outside.
        var reads = new List<string>();
        var within = 0;
        for (var i = 0; i < 20 && within < 3; i++)
        {
            try
            {
                var distance = read();
                reads.Add($"{distance}");
                within += Math.Abs(distance - 57.0) <= 1.5 ? 1 : 0;
            }
            catch (IOException e)
            {
                reads.Add(e.Message);
            }
        }

        Assert.True(within >= 3, string.Join(", ", reads));
    }

    [Fact]
    public void An_hc_sr04_that_never_answers_fails_the_read_naming_its_trigger_pin()
    {
        using var board = new SimulatedBoard();   // nothing wired to the echo pin
        var read = UserSpaceRangeFinder.Open(board.Gpio, 18, 19);

        var failure = Assert.Throws<IOException>(() => read());
        Assert.Contains("trigger GPIO 18 answered 0 of 5 pings", failure.Message, StringComparison.Ordinal);
    }
}
