using Iot.Cloud.Alerts;
using Iot.Cloud.Demo;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Messages;
using Iot.Testing.Services;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Demo;

/// <summary>
/// The demo staff (<c>Demo:Staff</c>) on the real cloud and broker with a fake clock: a forced gate becomes an alert and
/// a routed order, and the demo staff member of the order's party takes it and reports it fixed through the same
/// service calls as the console, named in the order's audit trail; the telemetry then verifies the repair.
/// </summary>
public sealed class DemoStaffTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Evening = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _data = broker.NewFolder("cloud");
    private readonly FakeTimeProvider _clock = new(Evening);

    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_demo_staff_takes_a_new_order_after_its_delay_and_reports_it_fixed_through_the_work_order_service()
    {
        // The background rounds stay off here: the test runs each round itself, so nothing races it.
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data, new Dictionary<string, string?>
        {
            ["Demo:AcknowledgeMinSeconds"] = "20",
            ["Demo:AcknowledgeMaxSeconds"] = "60",
            ["Demo:FixAfterMinutes"] = "2",
            ["Demo:FixOneIn"] = "1",
        }, clock: _clock);
        await cloud.WaitReadyAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await agent.StatusAsync(_clock.GetUtcNow(), 600_000);
        await agent.EventAsync(1, EventKind.GateForced, "gate-01", _clock.GetUtcNow());

        WorkOrderView? order = null;
        await CloudHost.WaitUntilAsync(async () => (order = (await cloud.GetAsync<List<WorkOrderView>>("/api/work-orders")).SingleOrDefault()) is not null, "the routed order");
        Assert.Equal("xinyu-property", order!.Party);
        Assert.Equal("gate-forced", order.Fault);
        var staff = cloud.Get<DemoStaff>();
        var delay = staff.AcknowledgeDelay(order.Id);
        Assert.InRange(delay, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60));

        // Before its delay the order waits, as it would for a person on their way to the console.
        _clock.AdjustTime(order.CreatedAt + delay - TimeSpan.FromSeconds(1));
        Assert.Empty((await staff.RunOnceAsync(CancellationToken.None)).Taken);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([order.Number], (await staff.RunOnceAsync(CancellationToken.None)).Taken);
        var taken = await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order.Id}");
        Assert.Equal(WorkOrderStatus.InProgress, taken.Order.Status);
        Assert.Equal("xinyu-li", taken.Order.AssignedTo);
        Assert.Contains(taken.Audit, a => a.Actor == "xinyu-li" && a.Action == "status:inProgress");
        Assert.Empty((await staff.RunOnceAsync(CancellationToken.None)).Taken); // once

        // The gate shuts; two minutes after taking it the staff member reports it fixed, and the quiet telemetry verifies it.
        await agent.EventAsync(2, EventKind.GateClosed, "gate-01", _clock.GetUtcNow());
        await CloudHost.WaitUntilAsync(async () => (await cloud.GetAsync<List<AlertView>>("/api/alerts?status=all")).Any(a => a.RuleKey == "gate-forced" && a.Status == AlertStatus.Cleared), "the alert cleared");
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal([order.Number], (await staff.RunOnceAsync(CancellationToken.None)).Fixed);
        var fixedOne = await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order.Id}");
        Assert.Equal(WorkOrderStatus.Fixed, fixedOne.Order.Status);
        Assert.Contains(fixedOne.Audit, a => a.Actor == "xinyu-li" && a.Action == "status:fixed");

        await CloudHost.WaitUntilAsync(
            async () =>
            {
                _clock.Advance(TimeSpan.FromSeconds(30));
                return (await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order.Id}")).Order.Status is WorkOrderStatus.Verified or WorkOrderStatus.Closed;
            },
            "verified by telemetry");
    }

    [Fact]
    public async Task Pages_show_the_demo_data_banner_only_while_the_demo_staff_is_on()
    {
        await using (var quiet = await CloudHost.StartAsync(broker.Port, broker.NewFolder("quiet"), clock: _clock))
        {
            await quiet.WaitReadyAsync();
            Assert.DoesNotContain("demo-banner", await quiet.Anonymous().GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
        }

        await using var demo = await CloudHost.StartAsync(broker.Port, _data, new Dictionary<string, string?> { ["Demo:Staff"] = "true" }, clock: _clock);
        await demo.WaitReadyAsync();
        var home = await demo.Anonymous().GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("<strong>演示数据</strong>", home, StringComparison.Ordinal);
        Assert.Contains("演示数据", await demo.Http.GetStringAsync(new Uri("/console", UriKind.Relative)), StringComparison.Ordinal);
    }
}
