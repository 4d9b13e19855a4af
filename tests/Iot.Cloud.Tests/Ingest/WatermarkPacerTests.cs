using Iot.Cloud.Ingest;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Tests.Ingest;

/// <summary>When each agent's stored watermark goes out: the pacer alone, on times the test gives it.</summary>
public class WatermarkPacerTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly AgentId A = AgentId.Parse("yikang-1-a");
    private static readonly AgentId B = AgentId.Parse("yikang-6-a");

    private static StoredWatermark Stored(AgentId agent, long stored) =>
        new(ProtocolVersion.Current, agent, [new BootWatermark(BootId.Parse("b0000000000000001"), stored)]);

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    private static long[] Values(IEnumerable<StoredWatermark> watermarks) => [.. watermarks.Select(w => w.Boots[0].Stored)];

    [Fact]
    public void The_first_watermark_goes_at_once_and_later_ones_within_the_second_wait_and_coalesce_into_the_latest()
    {
        var pacer = new WatermarkPacer(Second);
        pacer.Offer(Stored(A, 1), gap: false, Ms(0));
        Assert.Equal([1L], Values(pacer.TakeDue(Ms(0))));

        for (var i = 2; i <= 50; i++)
        {
            pacer.Offer(Stored(A, i), gap: false, Ms(i * 10));
            Assert.Empty(pacer.TakeDue(Ms(i * 10)));
        }

        Assert.Equal(Ms(500), pacer.NextDue(Ms(500)));
        Assert.Empty(pacer.TakeDue(Ms(999)));
        Assert.Equal([50L], Values(pacer.TakeDue(Ms(1000))));
        Assert.Null(pacer.NextDue(Ms(1000)));
    }

    [Fact]
    public void Each_agent_has_its_own_second()
    {
        var pacer = new WatermarkPacer(Second);
        pacer.Offer(Stored(A, 1), gap: false, Ms(0));
        Assert.Single(pacer.TakeDue(Ms(0)));
        pacer.Offer(Stored(A, 2), gap: false, Ms(100));
        pacer.Offer(Stored(B, 7), gap: false, Ms(100));

        var due = pacer.TakeDue(Ms(100));
        Assert.Equal(B, Assert.Single(due).Agent);
        Assert.Equal([2L], Values(pacer.TakeDue(Ms(1000))));
    }

    [Fact]
    public void A_new_gap_goes_at_once_but_only_once_a_second()
    {
        var pacer = new WatermarkPacer(Second);
        pacer.Offer(Stored(A, 2), gap: false, Ms(0));
        pacer.TakeDue(Ms(0));

        pacer.Offer(Stored(A, 2), gap: true, Ms(10));
        Assert.Equal([2L], Values(pacer.TakeDue(Ms(10))));

        // Another gap within the second waits like any watermark: at worst two a second reach an agent.
        pacer.Offer(Stored(A, 3), gap: true, Ms(20));
        Assert.Empty(pacer.TakeDue(Ms(20)));
        Assert.Equal([3L], Values(pacer.TakeDue(Ms(1010))));
    }

    [Fact]
    public void A_gap_overtakes_a_watermark_waiting_for_its_second_and_the_stale_wait_sends_nothing()
    {
        var pacer = new WatermarkPacer(Second);
        pacer.Offer(Stored(A, 1), gap: false, Ms(0));
        pacer.TakeDue(Ms(0));
        pacer.Offer(Stored(A, 2), gap: false, Ms(100));
        pacer.Offer(Stored(A, 2), gap: true, Ms(200));

        Assert.Equal([2L], Values(pacer.TakeDue(Ms(200))));
        Assert.Empty(pacer.TakeDue(Ms(1000)));
        pacer.Offer(Stored(A, 5), gap: false, Ms(1100));
        Assert.Empty(pacer.TakeDue(Ms(1100)));
        Assert.Equal([5L], Values(pacer.TakeDue(Ms(1200))));
    }

    [Fact]
    public void A_watermark_that_could_not_be_sent_goes_again_a_second_later_unless_a_newer_one_came()
    {
        var pacer = new WatermarkPacer(Second);
        pacer.Offer(Stored(A, 1), gap: false, Ms(0));
        var failed = Assert.Single(pacer.TakeDue(Ms(0)));
        pacer.Retry(failed, Ms(0));
        Assert.Empty(pacer.TakeDue(Ms(500)));
        Assert.Equal([1L], Values(pacer.TakeDue(Ms(1000))));

        pacer.Offer(Stored(A, 2), gap: false, Ms(2000));
        var failedAgain = Assert.Single(pacer.TakeDue(Ms(2000)));
        pacer.Offer(Stored(A, 3), gap: false, Ms(2100));
        pacer.Retry(failedAgain, Ms(2100));
        Assert.Equal([3L], Values(pacer.TakeDue(Ms(3000))));
    }

    [Fact]
    public void Ten_thousand_agents_cost_no_state_once_their_second_is_over()
    {
        var pacer = new WatermarkPacer(Second);
        var agents = Enumerable.Range(1, 10_000).Select(i => AgentId.Parse($"agent-{i}")).ToList();
        foreach (var agent in agents)
        {
            pacer.Offer(Stored(agent, 1), gap: false, Ms(0));
            pacer.Offer(Stored(agent, 2), gap: false, Ms(0));
        }

        Assert.Equal(10_000, pacer.TakeDue(Ms(0)).Count);
        foreach (var agent in agents)
        {
            pacer.Offer(Stored(agent, 3), gap: false, Ms(500));
        }

        Assert.Equal(10_000, pacer.Pending);
        Assert.All(pacer.TakeDue(Ms(1000)), w => Assert.Equal(3, w.Boots[0].Stored));
        Assert.Empty(pacer.TakeDue(Ms(2000)));
        Assert.Equal(0, pacer.Tracked);
    }
}
