using Iot.Cloud.Demo.History;
using Iot.Cloud.Operations;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Demo.History;

/// <summary>The business clock of a demo's replayed week (<c>Demo:HistoryDays</c>), over a fake wall clock.</summary>
public sealed class HistoryClockTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Pump = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void It_starts_a_week_back_moves_only_forward_never_past_the_wall_clock_and_says_nothing_real_is_later_than_the_wall()
    {
        var wall = new FakeTimeProvider(Now);
        using var clock = new HistoryClock(wall, TimeSpan.FromDays(7), Pump);

        Assert.Equal(Now - TimeSpan.FromDays(7), clock.GetUtcNow());
        clock.MoveTo(Now - TimeSpan.FromDays(3));
        clock.MoveTo(Now - TimeSpan.FromDays(5));
        Assert.Equal(Now - TimeSpan.FromDays(3), clock.GetUtcNow());
        clock.MoveTo(Now + TimeSpan.FromDays(1));
        Assert.Equal(Now, clock.GetUtcNow());
        Assert.Equal(Now, Clocks.LatestOf(clock));
        Assert.True(clock.Behind);
    }

    [Fact]
    public void A_timer_fires_when_the_clock_is_moved_past_it_once_however_far_and_then_keeps_its_period()
    {
        var wall = new FakeTimeProvider(Now);
        using var clock = new HistoryClock(wall, TimeSpan.FromDays(7), Pump);
        var fired = 0;
        using var timer = clock.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));

        wall.Advance(TimeSpan.FromMinutes(1)); // the wall clock alone does not move a clock that is replaying
        Assert.Equal(0, Volatile.Read(ref fired));

        clock.MoveTo(clock.GetUtcNow() + TimeSpan.FromHours(1));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref fired) == 1, TimeSpan.FromSeconds(30)));
        clock.MoveTo(clock.GetUtcNow() + TimeSpan.FromSeconds(4));
        clock.MoveTo(clock.GetUtcNow() + TimeSpan.FromSeconds(2));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref fired) == 2, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Once_joined_it_reads_the_wall_clock_and_its_timers_and_delays_follow_the_wall_clock()
    {
        var wall = new FakeTimeProvider(Now);
        using var clock = new HistoryClock(wall, TimeSpan.FromDays(7), Pump);
        var before = Task.Delay(TimeSpan.FromSeconds(10), clock);

        Assert.True(clock.Join());
        Assert.False(clock.Join());
        Assert.Equal(Now, clock.GetUtcNow());
        Assert.False(clock.Behind);
        await before.WaitAsync(TimeSpan.FromSeconds(30)); // due a week ago on the clock that has just jumped to now

        var delay = Task.Delay(TimeSpan.FromSeconds(10), clock);
        Assert.False(delay.IsCompleted);

        wall.Advance(TimeSpan.FromSeconds(11));   // the pump (on the wall clock) fires what fell due
        await delay.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Now + TimeSpan.FromSeconds(11), clock.GetUtcNow());
    }
}
