using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Demo;
using Iot.Cloud.Demo.History;
using Iot.Cloud.Ratings;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Messages;
using Iot.Testing.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Demo.History;

/// <summary>
/// The demo staff and residents on a replayed week's clock (<see cref="HistoryClock"/> over a fake wall clock), on the
/// real cloud, broker and SQLite: nothing moves the clock but the test, which does what the replay does at each move
/// (the actors' round for the new time, then the sweep that escalates).
/// </summary>
public sealed class WeekActorsTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly string _data = broker.NewFolder("cloud");
    private readonly FakeTimeProvider _wall = new(Now);

    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_demo_staffs_moves_are_dated_when_due_never_later_than_now_and_an_order_taken_in_time_is_not_escalated_by_a_jump_of_the_clock()
    {
        using var clock = new HistoryClock(_wall, TimeSpan.FromDays(7), TimeSpan.FromMilliseconds(100));
        await using var cloud = await StartAsync(clock);
        var start = clock.GetUtcNow();

        // A gate forced in a courtyard of 馨宇物业 (demo staff 李师傅), and one of 安居物业 (no demo staff), at the week's start.
        await using var worked = await TestAgent.ConnectAsync(broker.Port);
        await using var unworked = await TestAgent.ConnectAsync(broker.Port, "yongxing-6", "yongxing-6-a", "b0000000000000002");
        foreach (var agent in new[] { worked, unworked })
        {
            await agent.StatusAsync(start, 600_000);
            await agent.EventAsync(1, EventKind.GateForced, "gate-01", start);
        }

        await CloudHost.WaitUntilAsync(async () => (await OrdersAsync(cloud)).Count == 2, "two routed orders");
        var ours = (await OrdersAsync(cloud)).Single(o => o.PartyId == "xinyu-property");
        var theirs = (await OrdersAsync(cloud)).Single(o => o.PartyId == "anju-property");
        Assert.Equal(start, ours.CreatedAt);
        var staff = cloud.Get<DemoStaff>();
        var delay = staff.AcknowledgeDelay(ours);
        Assert.InRange(delay, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20)); // inside the 30 minutes 馨宇物业 has for a critical order

        clock.Advance(start + delay - TimeSpan.FromMinutes(1));
        Assert.Empty((await staff.RunOnceAsync(CancellationToken.None)).Taken);

        // The clock jumps 45 minutes on, past the order's acknowledge deadline: taken as of when it was due, then the sweep.
        clock.Advance(start + TimeSpan.FromMinutes(45));
        Assert.Equal([ours.Number], (await staff.RunOnceAsync(CancellationToken.None)).Taken);
        await SweepAsync(cloud);
        ours = await OrderAsync(cloud, ours.Id);
        Assert.Equal(WorkOrderStatus.InProgress, ours.Status);
        Assert.Equal(start + delay, ours.AcknowledgedAt);
        Assert.Equal(0, ours.EscalationLevel);
        var audit = (await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{ours.Id}")).Audit;
        Assert.Contains(audit, a => a.Actor == "xinyu-li" && a.Action == "status:inProgress" && a.At == start + delay);
        Assert.True((await OrderAsync(cloud, theirs.Id)).EscalationLevel > 0, "the untaken order is escalated by the same sweep");

        // Fixed as of its own delay after it was taken, which is before now.
        var fix = staff.FixDelay(ours)!.Value;
        Assert.True(delay + fix > TimeSpan.FromMinutes(46), "the repair is due after the jump");
        clock.Advance(start + delay + fix - TimeSpan.FromMinutes(1));
        Assert.Empty((await staff.RunOnceAsync(CancellationToken.None)).Fixed);
        clock.Advance(start + delay + fix + TimeSpan.FromHours(2));
        Assert.Equal([ours.Number], (await staff.RunOnceAsync(CancellationToken.None)).Fixed);
        ours = await OrderAsync(cloud, ours.Id);
        Assert.InRange(ours.FixedAt!.Value, start + delay + fix - TimeSpan.FromMilliseconds(1), start + delay + fix); // as the database keeps it
        Assert.True(ours.FixedAt < clock.GetUtcNow());
    }

    [Fact]
    public async Task A_gate_forced_again_a_day_after_its_order_closed_reopens_the_order_and_the_demo_staff_take_it_again()
    {
        using var clock = new HistoryClock(_wall, TimeSpan.FromDays(7), TimeSpan.FromMilliseconds(100));
        await using var cloud = await StartAsync(clock);
        var start = clock.GetUtcNow();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await agent.StatusAsync(start, 600_000);
        await agent.EventAsync(1, EventKind.GateForced, "gate-01", start);
        await CloudHost.WaitUntilAsync(async () => (await OrdersAsync(cloud)).Count == 1, "the routed order");
        await agent.EventAsync(2, EventKind.GateClosed, "gate-01", start + TimeSpan.FromMinutes(3));

        // The gate closed is what verifies the repair: it must be in before the clock moves on (on a busy machine it can
        // still be on its way when the staff act).
        await CloudHost.WaitUntilAsync(async () => await AlertClearedAsync(cloud), "the forced gate's alert cleared");
        var staff = cloud.Get<DemoStaff>();

        // Taken, fixed, and verified by the quiet telemetry: closed.
        clock.Advance(start + TimeSpan.FromHours(1));
        Assert.Single((await staff.RunOnceAsync(CancellationToken.None)).Taken);
        clock.Advance(start + TimeSpan.FromHours(8));
        Assert.Single((await staff.RunOnceAsync(CancellationToken.None)).Fixed);
        clock.Advance(start + TimeSpan.FromHours(9));
        await SweepAsync(cloud);
        var order = Assert.Single(await OrdersAsync(cloud));
        Assert.Equal(WorkOrderStatus.Closed, order.Status);

        // A day later the same gate is forced again: the system reopens the order, still 李师傅's, who takes it again.
        var again = start + TimeSpan.FromHours(24);
        clock.Advance(again);
        await agent.EventAsync(3, EventKind.GateForced, "gate-01", again);
        await CloudHost.WaitUntilAsync(async () => (await OrdersAsync(cloud)).Single().ReopenCount == 1, "the order reopened");
        order = Assert.Single(await OrdersAsync(cloud));
        Assert.Equal((WorkOrderStatus.Assigned, "xinyu-li", again, (DateTimeOffset?)null), (order.Status, order.AssignedTo, order.ReopenedAt, order.AcknowledgedAt));
        var detail = await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order.Id}");
        Assert.Contains(detail.Audit, a => a.Actor == "system" && a.Action == "reopened" && a.At == again);

        var delay = staff.AcknowledgeDelay(order);
        clock.Advance(again + delay - TimeSpan.FromMinutes(1));
        Assert.Empty((await staff.RunOnceAsync(CancellationToken.None)).Taken);
        clock.Advance(again + TimeSpan.FromHours(1));
        Assert.Equal([order.Number], (await staff.RunOnceAsync(CancellationToken.None)).Taken);
        order = await OrderAsync(cloud, order.Id);
        Assert.Equal((WorkOrderStatus.InProgress, again + delay), (order.Status, order.AcknowledgedAt!.Value));
    }

    [Fact]
    public void A_move_dated_later_than_now_is_dated_now()
    {
        using var clock = new HistoryClock(_wall, TimeSpan.FromDays(7), TimeSpan.FromMilliseconds(100));
        var orders = new WorkOrderService(clock, Microsoft.Extensions.Options.Options.Create(new WorkOrderOptions()),
            Microsoft.Extensions.Options.Options.Create(new Iot.Cloud.Alerts.AlertOptions()), new Iot.Cloud.Sites.SiteRegistry());
        using var db = TestDatabases.Sqlite(Path.Combine(_data, "orders.db"))();
        var order = new WorkOrder { Number = "WO-1", CourtyardId = Iot.Protocol.Identifiers.CourtyardId.Parse("yikang-1"), PartyId = "xinyu-property", Fault = "gate-forced", Subject = "yikang-1-a/gate-01", Target = "gate", Title = "t", CreatedBy = "system", CreatedAt = clock.GetUtcNow() };

        var (change, _) = orders.Transition(db, order, WorkOrderStatus.InProgress, "xinyu-li", null, at: clock.GetUtcNow() + TimeSpan.FromHours(1));

        Assert.NotNull(change);
        Assert.Equal(clock.GetUtcNow(), order.AcknowledgedAt);
    }

    [Fact]
    public async Task A_resident_reports_at_the_weeks_time_the_demo_staff_work_it_the_resident_confirms_it_and_the_committee_rates_it()
    {
        using var clock = new HistoryClock(_wall, TimeSpan.FromDays(7), TimeSpan.FromMilliseconds(100));
        await using var cloud = await StartAsync(clock);
        var start = clock.GetUtcNow();
        var residents = cloud.Get<DemoResidents>();
        var staff = cloud.Get<DemoStaff>();
        var first = DemoResidents.Week[0];

        clock.Advance(start + first.After - TimeSpan.FromMinutes(1));
        Assert.Empty((await residents.RunOnceAsync(CancellationToken.None)).Reported);
        clock.Advance(start + first.After + TimeSpan.FromMinutes(5));
        var number = Assert.Single((await residents.RunOnceAsync(CancellationToken.None)).Reported);
        Assert.Empty((await residents.RunOnceAsync(CancellationToken.None)).Reported); // once

        var order = (await OrdersAsync(cloud)).Single(o => o.Number == number);
        Assert.Equal(WorkOrderSource.Resident, order.Source);
        Assert.Equal(start + first.After + TimeSpan.FromMinutes(5), order.CreatedAt);
        Assert.StartsWith("yikang-", order.CourtyardId.Value, StringComparison.Ordinal);
        Assert.NotNull(DemoStaff.StaffOf(order.PartyId));
        var track = await cloud.GetAsync<Iot.Cloud.Reports.ReportStatus>($"/api/reports/{order.TrackingCode}");
        Assert.Equal(first.Text, (await OrderAsync(cloud, order.Id)).Description);
        Assert.Equal(WorkOrderStatus.New, track.Status);

        // Worked by the party's demo staff at the week's delays, confirmed by the resident two hours after the repair,
        // rated by the residents' committee an hour after it closed.
        clock.Advance(order.CreatedAt + TimeSpan.FromHours(1));
        Assert.Equal([number], (await staff.RunOnceAsync(CancellationToken.None)).Taken);
        order = await OrderAsync(cloud, order.Id);
        clock.Advance(order.AcknowledgedAt!.Value + staff.FixDelay(order)!.Value);
        Assert.Equal([number], (await staff.RunOnceAsync(CancellationToken.None)).Fixed);
        order = await OrderAsync(cloud, order.Id);
        Assert.Empty((await residents.RunOnceAsync(CancellationToken.None)).Confirmed);
        clock.Advance(order.FixedAt!.Value + DemoResidents.ConfirmAfter);
        Assert.Equal([number], (await residents.RunOnceAsync(CancellationToken.None)).Confirmed);
        order = await OrderAsync(cloud, order.Id);
        Assert.Equal(WorkOrderStatus.Closed, order.Status);
        Assert.Equal(Verification.Resident, order.VerifiedVia);
        Assert.Equal("已完成", (await cloud.GetAsync<Iot.Cloud.Reports.ReportStatus>($"/api/reports/{order.TrackingCode}")).StatusChinese);

        Assert.Empty((await residents.RunOnceAsync(CancellationToken.None)).Rated);
        clock.Advance(order.ClosedAt!.Value + DemoResidents.RateAfter + TimeSpan.FromMinutes(30));
        Assert.Equal([number], (await residents.RunOnceAsync(CancellationToken.None)).Rated);
        Assert.Empty((await residents.RunOnceAsync(CancellationToken.None)).Rated); // once
        await using var scope = cloud.Services.CreateAsyncScope();
        var rating = await scope.ServiceProvider.GetRequiredService<CloudDb>().Ratings.SingleAsync(r => r.WorkOrderId == order.Id);
        Assert.Equal((DemoResidents.Committee, first.Score, first.Remark, order.ClosedAt!.Value + DemoResidents.RateAfter), (rating.By, rating.Score, rating.Remark, rating.At));
    }

    [Fact]
    public async Task Without_a_replayed_week_the_demo_residents_do_nothing()
    {
        // The residents on a clock a week on, past every time of the week's reports, with no replayed week (as the cloud
        // makes them without one). The cloud's own clock is not moved: a fake clock moved a week on fires every periodic
        // timer of the cloud once a period, minutes of callbacks.
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data, clock: _wall);
        await cloud.WaitReadyAsync();
        var residents = new DemoResidents(cloud.Get<IServiceScopeFactory>(), new FakeTimeProvider(Now + TimeSpan.FromDays(7)), cloud.Get<Iot.Cloud.Sites.SiteRegistry>());
        var round = await residents.RunOnceAsync(CancellationToken.None);
        Assert.Equal(0, round.Reported.Count + round.Confirmed.Count + round.Rated.Count);
    }

    // The business clock is the week's; the background demo rounds stay off (Demo:Staff is not set), so the test runs each round.
    private async Task<CloudHost> StartAsync(HistoryClock clock)
    {
        var cloud = await CloudHost.StartAsync(broker.Port, _data, new Dictionary<string, string?>
        {
            ["Demo:HistoryAcknowledgeMinMinutes"] = "10",
            ["Demo:HistoryAcknowledgeMaxMinutes"] = "20",
        }, clock: clock, services: s => s.AddSingleton(clock));
        await cloud.WaitReadyAsync();
        return cloud;
    }

    private static async Task<List<WorkOrder>> OrdersAsync(CloudHost cloud)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CloudDb>().WorkOrders.AsNoTracking().OrderBy(w => w.Id).ToListAsync();
    }

    private static async Task<bool> AlertClearedAsync(CloudHost cloud)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CloudDb>().Alerts.AnyAsync(a => a.RuleKey == "gate-forced" && a.ClearedAt != null);
    }

    private static async Task<WorkOrder> OrderAsync(CloudHost cloud, long id) => (await OrdersAsync(cloud)).Single(o => o.Id == id);

    // The orders' sweep the rules run on their timer (escalations), at the clock's time.
    private static async Task SweepAsync(CloudHost cloud)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        await scope.ServiceProvider.GetRequiredService<WorkOrderService>().SweepAsync(db, _ => Task.FromResult(true), CancellationToken.None);
        await db.SaveChangesAsync();
    }
}
