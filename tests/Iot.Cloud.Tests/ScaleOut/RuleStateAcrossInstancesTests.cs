using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Notifications;
using Iot.Cloud.Rules;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.ScaleOut;

/// <summary>
/// The rule state's design when scaled out (cloud/README.md, "Several instances"): each instance evaluates what it
/// receives with its own copy of the rule states, and the database decides. These tests put the two instances in the
/// orders that could go wrong — both raising the same faults at once, and the raise heard by one instance after the
/// other heard the clear — and count: one alert and one work order per fault, none missed.
/// </summary>
public sealed class RuleStateAcrossInstancesTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Two_instances_raising_the_same_faults_at_once_make_one_alert_and_one_order_each_and_send_each_message_once()
    {
        // Both instances send webhooks, to one receiver.
        await using var hooks = await WebhookReceiver.StartAsync();
        await using var two = await TwoInstances.StartAsync(postgres.Server, new Dictionary<string, string?> { ["Webhooks:Parties:xinyu-property"] = hooks.Url("xinyu-property").ToString() });
        var gates = SampleSite.Registry.Agents.Values
            .SelectMany(a => a.Manifest.Devices.Where(d => d.Id.Value.StartsWith("gate", StringComparison.Ordinal)).Select(d => (Courtyard: a.Courtyard.Id.Value, Agent: a.Manifest.Id.Value, Gate: d.Id.Value)))
            .Take(12).ToList();
        var at = two.Clock.GetUtcNow().AddSeconds(-30);

        // Every gate forced twice at once, one event to each instance, three rounds.
        var agents = new List<TestAgent>();
        foreach (var (courtyard, agent, _) in gates.DistinctBy(g => g.Agent))
        {
            agents.Add(await TestAgent.ConnectAsync(two.BrokerOfA, courtyard, agent));
            agents.Add(await TestAgent.ConnectAsync(two.BrokerOfB, courtyard, agent));
        }

        try
        {
            for (var round = 0; round < 3; round++)
            {
                await Task.WhenAll(gates.SelectMany((g, i) => new[]
                {
                    agents.First(a => a.Agent.Value == g.Agent).EventAsync(100 + (round * 100) + (2 * i), EventKind.GateForced, g.Gate, at.AddSeconds(round)),
                    agents.Last(a => a.Agent.Value == g.Agent).EventAsync(101 + (round * 100) + (2 * i), EventKind.GateForced, g.Gate, at.AddSeconds(round)),
                }));
            }

            await CloudHost.WaitUntilAsync(async () => await EvaluatedAsync(two.A) == gates.Count * 6, "every event stored and evaluated");
            var alerts = (await two.A.GetAsync<List<AlertView>>("/api/alerts?status=all&limit=1000")).Where(a => a.RuleKey == "gate-forced").ToList();
            var orders = (await two.A.GetAsync<List<WorkOrderView>>("/api/work-orders?limit=1000")).Where(o => o.Fault == "gate-forced").ToList();
            Assert.Equal(gates.Count, alerts.Count);
            Assert.Equal(gates.Count, alerts.Select(a => $"{a.Agent}/{a.Device}").Distinct().Count());
            Assert.Equal(gates.Count, orders.Count);
            Assert.All(alerts, a => Assert.Equal(6, a.Count));

            // One message per change and channel, queued in the change's transaction; each sent once, whichever instance sent it.
            List<Notification> messages = [];
            await CloudHost.WaitUntilAsync(
                async () =>
                {
                    messages = await MessagesAsync(two.A);
                    if (messages.Any(m => m.DeliveredAt is null && m.Attempts > 0))
                    {
                        // An attempt failed (on a loaded machine the receiver can be slow): its retry falls due on the
                        // cloud's clock, which stands still here unless the test moves it.
                        two.Clock.Advance(TimeSpan.FromSeconds(5));
                    }

                    return messages.Count > 0 && messages.All(m => m.DeliveredAt is not null);
                },
                "every message delivered",
                diagnostics: () => $"the clock at {two.Clock.GetUtcNow():O}; undelivered: " + string.Join("; ", messages.Where(m => m.DeliveredAt is null).Select(m =>
                    $"#{m.Id} {m.Channel} {m.Kind}, attempts {m.Attempts}, next {m.NextAttemptAt:O}, leased by {m.LeaseOwner ?? "nobody"} until {m.LeasedUntil:O}, failed {m.FailedAt:O}, last {m.LastResult}")));
            Assert.All(messages.Where(m => m.AlertId is not null).GroupBy(m => (m.AlertId, m.Kind)), g => Assert.Single(g));
            Assert.All(messages.Where(m => m.WorkOrderId is not null).GroupBy(m => (m.WorkOrderId, m.Kind)), g => Assert.Single(g));
            Assert.Equal(messages.Count, hooks.Received.Count);
            Assert.Equal(messages.Count, hooks.Received.Select(r => r.Body).Distinct().Count());
            Assert.All(messages, m => Assert.Equal(1, m.Attempts));
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_forced_gate_heard_after_another_instance_heard_it_close_still_raises_its_alert_and_order()
    {
        await using var two = await TwoInstances.StartAsync(postgres.Server);
        var now = two.Clock.GetUtcNow();
        var forcedAt = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(-20); // the protocol keeps milliseconds

        // The agent's last word, the gate closing, reaches B first; B never heard it forced, and stores its view.
        await using (var toB = await TestAgent.ConnectAsync(two.BrokerOfB))
        {
            await toB.EventAsync(2, EventKind.GateClosed, "gate-01", forcedAt.AddSeconds(5));
            await CloudHost.WaitUntilAsync(async () => await EvaluatedAsync(two.B) == 1, "B evaluated the closing");
        }

        // A takes the stored states (as after a restart, or after losing a race), then hears the forcing.
        await two.RestartAAsync();
        await using var toA = await TestAgent.ConnectAsync(two.BrokerOfA);
        await toA.EventAsync(1, EventKind.GateForced, "gate-01", forcedAt);
        await CloudHost.WaitUntilAsync(async () => await EvaluatedAsync(two.A) == 2, "A evaluated the forcing");

        var alert = Assert.Single(await two.A.GetAsync<List<AlertView>>("/api/alerts?status=all"), a => a.RuleKey == "gate-forced");
        Assert.Equal(forcedAt, alert.RaisedAt);
        Assert.Equal(AlertStatus.Cleared, alert.Status);
        Assert.Equal(forcedAt.AddSeconds(5), alert.ClearedAt);
        Assert.NotNull(alert.WorkOrderId);
        Assert.Single(await two.A.GetAsync<List<WorkOrderView>>("/api/work-orders?limit=1000"), o => o.Fault == "gate-forced");
    }

    [Fact]
    public async Task An_event_stored_by_an_instance_that_died_before_evaluating_it_is_taken_over_within_30_seconds()
    {
        await using var two = await TwoInstances.StartAsync(postgres.Server);

        // An instance stored a forced gate and died before its rules ran: the row is there, evaluated by no one.
        await using (var scope = two.A.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
            db.DeviceEvents.Add(new DeviceEventRecord
            {
                AgentId = Iot.Protocol.Identifiers.AgentId.Parse("yikang-1-a"), BootId = "b0000000000000001", Seq = 1, CourtyardId = Iot.Protocol.Identifiers.CourtyardId.Parse("yikang-1"),
                DeviceId = Iot.Protocol.Identifiers.DeviceId.Parse("gate-01"), Kind = "gateForced", At = two.Clock.GetUtcNow().AddSeconds(-1),
            });
            await db.SaveChangesAsync();
        }

        // The live instances' ticks (every 5 s of the clock) take it over once it has waited RuleRunner.HandOverAfter, not before.
        var stored = two.Clock.GetUtcNow();
        await CloudHost.WaitUntilAsync(async () =>
        {
            two.Clock.Advance(TimeSpan.FromSeconds(5));
            return (await two.A.GetAsync<List<AlertView>>("/api/alerts")).Any(a => a.RuleKey == "gate-forced");
        }, "the orphaned event evaluated");
        Assert.True(two.Clock.GetUtcNow() - stored >= RuleRunner.HandOverAfter, $"taken over after {two.Clock.GetUtcNow() - stored}");
        Assert.Single(await two.A.GetAsync<List<AlertView>>("/api/alerts"), a => a.RuleKey == "gate-forced");
        Assert.Equal(1, await EvaluatedAsync(two.A));
    }

    private static async Task<List<Notification>> MessagesAsync(CloudHost cloud)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CloudDb>().Notifications.AsNoTracking().ToListAsync();
    }

    private static async Task<int> EvaluatedAsync(CloudHost cloud)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CloudDb>().DeviceEvents.CountAsync(e => e.Evaluated);
    }
}
