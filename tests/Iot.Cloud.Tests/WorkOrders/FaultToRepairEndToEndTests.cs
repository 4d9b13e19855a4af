using System.Net.Http.Json;
using Iot.Cloud.Alerts;
using Iot.Cloud.Kernel;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Messages;
using Iot.Testing.Services;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.WorkOrders;

/// <summary>
/// The whole path on real Mosquitto with the real cloud, and a fake clock: an agent reports a dark lamp at night, the
/// alert opens and is pushed live, a work order goes to the responsible party's webhook, escalates when overdue, is
/// repaired, verified by the lamp drawing current again and closed; when the lamp fails again the order reopens.
/// </summary>
public sealed class FaultToRepairEndToEndTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    // 21:00 in Kunming.
    private static readonly DateTimeOffset Night = new(2026, 12, 1, 13, 0, 0, TimeSpan.Zero);

    private readonly string _data = broker.NewFolder("cloud");
    private readonly FakeTimeProvider _clock = new(Night);
    private WebhookReceiver _hooks = null!;

    public async Task InitializeAsync()
    {
        // No retained status or cloud session of an earlier test reaches this one's cloud.
        await broker.ResetAsync();
        _hooks = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync() => await _hooks.DisposeAsync();

    private Task<CloudHost> StartCloudAsync() => CloudHost.StartAsync(broker.Port, _data, new Dictionary<string, string?>
    {
        ["Webhooks:Parties:xinyu-property"] = _hooks.Url("xinyu-property").ToString(),
        ["Webhooks:Parties:cable-works"] = _hooks.Url("cable-works").ToString(),
        ["Webhooks:Parties:yikang-rc"] = _hooks.Url("yikang-rc").ToString(),
        ["Webhooks:FirstRetryAfter"] = "00:00:01",
    }, clock: _clock);

    // Lets fake time pass in steps, so the rules' clock ticks fire in order; then keeps time moving a little while
    // waiting, as real time would (a tick that fired mid-way must not be the last one).
    private async Task AdvanceAsync(TimeSpan span, CloudHost cloud, Func<Task<bool>>? until = null)
    {
        var step = TimeSpan.FromSeconds(30);
        for (var passed = TimeSpan.Zero; passed < span; passed += step)
        {
            _clock.Advance(step);
        }

        if (until is not null)
        {
            await CloudHost.WaitUntilAsync(
                async () =>
                {
                    if (await until())
                    {
                        return true;
                    }

                    _clock.Advance(TimeSpan.FromSeconds(1));
                    return false;
                },
                "the clock's consequences");
        }

        _ = cloud;
    }

    [Fact]
    public async Task A_lamp_dark_at_night_becomes_a_routed_order_that_escalates_is_verified_by_telemetry_and_reopens_on_recurrence()
    {
        await using var cloud = await StartCloudAsync();
        await cloud.WaitReadyAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        using var live = new LiveListener(cloud.Http);
        await live.ConnectedAsync();

        await agent.StatusAsync(_clock.GetUtcNow(), 600_000);
        var messages = 1L;

        // The lamp reads dark every 30 s for 11 minutes.
        for (var i = 0; i <= 22; i++)
        {
            await agent.TelemetryAsync(i + 1, TestAgent.Current(0.0, _clock.GetUtcNow(), "lamp-01.current"));
            await cloud.WaitProcessedAsync(++messages);
            _clock.Advance(TimeSpan.FromSeconds(30));
        }

        var alert = await WaitForAsync(cloud, async () => (await cloud.GetAsync<List<AlertView>>("/api/alerts")).SingleOrDefault(a => a.RuleKey == "lamp-dark-at-night"));
        Assert.Equal("yikang-1-a/lamp-01", alert.Device is null ? null : $"{alert.Agent}/{alert.Device}");
        await live.WaitForAsync("\"kind\":\"raised\"");

        // A major alert becomes a work order when it has lasted 10 minutes.
        await AdvanceAsync(TimeSpan.FromMinutes(10), cloud);
        var order = await WaitForAsync(cloud, async () => (await cloud.GetAsync<List<WorkOrderView>>("/api/work-orders")).SingleOrDefault());
        Assert.Equal("xinyu-property", order.Party);
        Assert.Equal("lamp-out", order.Fault);
        await CloudHost.WaitUntilAsync(() => Task.FromResult(_hooks.Received.Any(h => h.Party == "xinyu-property" && h.Body.Contains("workOrder.created", StringComparison.Ordinal))), "webhook for the new order");
        await live.WaitForAsync("\"type\":\"workOrder\"");

        // Nobody acknowledges within the contract's 120 minutes: escalated to the supervisor.
        await AdvanceAsync(TimeSpan.FromMinutes(121), cloud, async () => (await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order.Id}")).Order.EscalationLevel == 1);
        await CloudHost.WaitUntilAsync(() => Task.FromResult(_hooks.Received.Any(h => h.Body.Contains("workOrder.escalated", StringComparison.Ordinal))), "webhook for the escalation");

        // The worker takes it, repairs it, and the lamp draws current again at night.
        Assert.True((await cloud.Http.PostAsJsonAsync($"/api/work-orders/{order.Id}/status", new { status = "inProgress" })).IsSuccessStatusCode);
        Assert.True((await cloud.Http.PostAsJsonAsync($"/api/work-orders/{order.Id}/status", new { status = "fixed", note = "更换镇流器" })).IsSuccessStatusCode);
        for (var i = 0; i < 8; i++)
        {
            await agent.TelemetryAsync(100 + i, TestAgent.Current(0.42, _clock.GetUtcNow(), "lamp-01.current"));
            await cloud.WaitProcessedAsync(++messages);
            _clock.Advance(TimeSpan.FromSeconds(30));
        }

        await AdvanceAsync(TimeSpan.FromMinutes(6), cloud, async () => (await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order.Id}")).Order.Status == WorkOrderStatus.Closed);
        var closed = await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order.Id}");
        Assert.Equal("system", closed.Order.VerifiedBy);
        Assert.Contains(closed.Audit, a => a.Action == "status:verified" && a.Detail!.Contains("verified by telemetry", StringComparison.Ordinal));

        // Two days later (and at night again) the lamp fails once more: the same order reopens. The quiet days pass in one
        // jump that keeps every timer's schedule relative to now, so the rules' next tick sees them at once, as a sweep after
        // a pause would. Advancing through them would fire some 33,000 five-second ticks, each a sweep run inline on this
        // thread: minutes on a busy machine, for nothing the single sweep does not show.
        _clock.AdjustTime(_clock.GetUtcNow() + TimeSpan.FromDays(2) - TimeSpan.FromHours(2.5));
        for (var i = 0; i <= 22; i++)
        {
            await agent.TelemetryAsync(200 + i, TestAgent.Current(0.0, _clock.GetUtcNow(), "lamp-01.current"));
            await cloud.WaitProcessedAsync(++messages);
            _clock.Advance(TimeSpan.FromSeconds(30));
        }

        await AdvanceAsync(TimeSpan.FromMinutes(11), cloud, async () => (await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order.Id}")).Order.ReopenCount == 1);
        // One lamp order, reopened; the other devices of the test agent, which reports only this lamp, are (rightly) stale.
        Assert.Single(await cloud.GetAsync<List<WorkOrderView>>("/api/work-orders"), o => o.Fault == "lamp-out");
    }

    [Fact]
    public async Task A_forced_gate_in_an_owning_unit_courtyard_goes_straight_to_that_unit()
    {
        await using var cloud = await StartCloudAsync();
        await cloud.WaitReadyAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port, "yikang-6", "yikang-6-a");
        await agent.EventAsync(1, EventKind.GateForced, "gate-01", _clock.GetUtcNow());
        await cloud.WaitProcessedAsync(1);

        var order = await WaitForAsync(cloud, async () => (await cloud.GetAsync<List<WorkOrderView>>("/api/work-orders")).SingleOrDefault());
        Assert.Equal("cable-works", order.Party);
        Assert.Equal(Iot.Cloud.Kernel.Severity.Critical, order.Severity);
        await CloudHost.WaitUntilAsync(() => Task.FromResult(_hooks.Received.Any(h => h.Party == "cable-works")), "the unit's webhook");
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_and_never_blocks_ingest_or_alerts()
    {
        _hooks.Failing = true;
        await using var cloud = await StartCloudAsync();
        await cloud.WaitReadyAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await agent.EventAsync(1, EventKind.ChargerCutOff, "charger-01", _clock.GetUtcNow());
        await cloud.WaitProcessedAsync(1);
        await WaitForAsync(cloud, async () => (await cloud.GetAsync<List<WorkOrderView>>("/api/work-orders")).SingleOrDefault());
        await CloudHost.WaitUntilAsync(() => Task.FromResult(_hooks.Refused > 0), "a refused delivery");

        // Ingest and rules carry on meanwhile.
        await agent.EventAsync(2, EventKind.GateForced, "gate-01", _clock.GetUtcNow());
        await cloud.WaitProcessedAsync(2);
        await WaitForAsync(cloud, async () => (await cloud.GetAsync<List<AlertView>>("/api/alerts")).FirstOrDefault(a => a.RuleKey == "gate-forced"));

        // The webhook comes back: the retry (on the fake clock's backoff) delivers.
        _hooks.Failing = false;
        await AdvanceAsync(TimeSpan.FromMinutes(1), cloud, () => Task.FromResult(_hooks.Received.Any(h => h.Body.Contains("charger-01", StringComparison.Ordinal))));
    }

    private static async Task<T> WaitForAsync<T>(CloudHost cloud, Func<Task<T?>> find)
        where T : class
    {
        T? found = null;
        await CloudHost.WaitUntilAsync(async () => (found = await find()) is not null, typeof(T).Name);
        _ = cloud;
        return found!;
    }
}
