using Iot.Cloud.Data;
using Iot.Cloud.Demo;
using Iot.Cloud.Demo.History;
using Iot.Cloud.Ingest;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Messages;
using Iot.Testing.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Demo.History;

/// <summary>
/// The replay that moves a demo's week clock (<see cref="HistoryReplay"/>) on the real cloud, broker and SQLite, over a
/// fake wall clock: nothing moves the clock but the test's calls of <see cref="HistoryReplay.StepAsync"/>, as the
/// replay's own loop does every 100 ms.
/// </summary>
public sealed class HistoryReplayTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly string _data = broker.NewFolder("cloud");
    private readonly FakeTimeProvider _wall = new(Now);

    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_gate_forced_again_a_day_later_reopens_its_closed_order_even_when_the_slowest_agent_jumps_past_both_in_one_move()
    {
        using var clock = new HistoryClock(_wall, TimeSpan.FromDays(7), TimeSpan.FromMilliseconds(100));
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data, new Dictionary<string, string?>
        {
            ["Demo:HistoryDays"] = "7",
            ["Demo:Staff"] = "true",
            ["Demo:HistoryWaitSeconds"] = "0",   // the clock follows the agents that have sent, without waiting for the rest
        }, clock: clock, services: s =>
        {
            s.AddSingleton(clock);
            // The replay's own wall clock is the fake one, so its loop never moves by itself: the test moves it.
            s.AddSingleton(sp => ActivatorUtilities.CreateInstance<HistoryReplay>(sp, (TimeProvider)_wall));
        });
        await cloud.WaitReadyAsync();
        var replay = cloud.Get<HistoryReplay>();
        var start = clock.GetUtcNow();
        var first = start + TimeSpan.FromHours(1);
        var again = first + TimeSpan.FromHours(24);

        // A fast agent (馨宇物业's courtyard, worked by its demo staff) has replayed 30 hours: its gate forced, shut three
        // minutes later, and forced again a day on. The slowest agent has sent its first ten minutes.
        await using var fast = await TestAgent.ConnectAsync(broker.Port);
        await using var slow = await TestAgent.ConnectAsync(broker.Port, "yongxing-6", "yongxing-6-a", "b0000000000000002");
        await fast.StatusAsync(start, 600_000);
        await slow.StatusAsync(start, 600_000);
        await fast.EventAsync(1, EventKind.GateForced, "gate-01", first);
        await fast.EventAsync(2, EventKind.GateClosed, "gate-01", first + TimeSpan.FromMinutes(3));
        await fast.EventAsync(3, EventKind.GateForced, "gate-01", again);
        await fast.EventAsync(4, EventKind.GateClosed, "gate-01", again + TimeSpan.FromMinutes(3));
        await fast.TelemetryAsync(1, TestAgent.Current(0.45, start + TimeSpan.FromHours(30)));
        await slow.TelemetryAsync(1, TestAgent.Current(0.45, start + TimeSpan.FromMinutes(10)));
        await CloudHost.WaitUntilAsync(() => Task.FromResult(replay.Next().Target == start + TimeSpan.FromMinutes(10)), "both agents' progress");
        await CloudHost.WaitUntilAsync(async () => await EventsStoredAsync(cloud) == 4, "the fast agent's four events stored");
        await replay.StepAsync(CancellationToken.None);
        Assert.Equal(start + TimeSpan.FromMinutes(10), clock.GetUtcNow());

        // Then the slowest agent's replay jumps 30 hours in one batch, past both times the gate was forced.
        await slow.TelemetryAsync(2, TestAgent.Current(0.45, start + TimeSpan.FromHours(30)));
        await CloudHost.WaitUntilAsync(() => Task.FromResult(replay.Next().Target == start + TimeSpan.FromHours(30)), "the slowest agent's jump");
        await replay.StepAsync(CancellationToken.None);
        Assert.Equal(start + TimeSpan.FromHours(30), clock.GetUtcNow());

        // The week happened in order: the order opened at the first forcing, was taken, fixed and closed, and the second
        // forcing reopened it (not attached to it while still open).
        var step = TimeSpan.FromMinutes(cloud.Get<IOptions<DemoStaffOptions>>().Value.HistoryStepMinutes);
        var order = Assert.Single(await GateOrdersAsync(cloud));
        Assert.Equal(1, order.ReopenCount);
        Assert.InRange(order.CreatedAt, first, first + step);
        Assert.InRange(order.ReopenedAt!.Value, again, again + step);
        var audit = (await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order.Id}")).Audit;
        var closed = audit.First(a => a.Action == "status:closed").At;
        Assert.InRange(closed, first, again);
        Assert.Contains(audit, a => a.Actor == "xinyu-li" && a.Action == "status:fixed" && a.At < closed);
        Assert.Equal(order.ReopenedAt, Assert.Single(audit, a => a.Action == "reopened").At);
    }

    private static async Task<int> EventsStoredAsync(CloudHost cloud)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CloudDb>().DeviceEvents.CountAsync();
    }

    private static async Task<List<WorkOrder>> GateOrdersAsync(CloudHost cloud)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CloudDb>().WorkOrders.AsNoTracking()
            .Where(w => w.Subject == "yikang-1-a/gate-01").ToListAsync();
    }
}
