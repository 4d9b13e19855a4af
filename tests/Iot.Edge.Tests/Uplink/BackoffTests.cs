using Iot.Edge.Uplink;

namespace Iot.Edge.Tests.Uplink;

public sealed class BackoffTests
{
    [Fact]
    public void Delays_double_up_to_the_maximum_each_jittered_between_half_and_all_of_its_step()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(7));
        double[] steps = [1, 2, 4, 8, 16, 32, 60, 60, 60];
        foreach (var step in steps)
        {
            Assert.InRange(backoff.Next().TotalSeconds, step / 2, step);
        }

        backoff.Reset();
        Assert.InRange(backoff.Next().TotalSeconds, 0.5, 1);
    }

    [Fact]
    public void Agents_that_fail_together_do_not_retry_together()
    {
        var delays = Enumerable.Range(0, 20).Select(seed =>
        {
            var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(seed));
            for (var i = 0; i < 5; i++)
            {
                backoff.Next();
            }

            return Math.Round(backoff.Next().TotalSeconds, 1);
        }).ToList();

        Assert.True(delays.Distinct().Count() > 10, string.Join(", ", delays));
    }
}
