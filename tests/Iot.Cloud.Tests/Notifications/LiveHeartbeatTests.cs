using Iot.Cloud.Notifications;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Notifications;

/// <summary>The live feed stays visibly alive when nothing happens, so proxies and browsers keep the stream open.</summary>
public sealed class LiveHeartbeatTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 4, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_quiet_live_feed_sends_a_heartbeat_comment()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), clock: _clock);
        await cloud.WaitReadyAsync();
        using var live = new LiveListener(cloud.Http);
        await live.ConnectedAsync();
        Assert.DoesNotContain(": heartbeat", live.Text, StringComparison.Ordinal);

        // The clock moves only when told: each step is one silent heartbeat interval.
        await CloudHost.WaitUntilAsync(() =>
        {
            _clock.Advance(LiveApi.Heartbeat);
            return Task.FromResult(live.Text.Contains(": heartbeat", StringComparison.Ordinal));
        }, "a heartbeat on the live feed");
    }
}
