using System.Net;
using System.Net.Http.Json;
using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Tests.ScaleOut;

/// <summary>
/// Several instances behave as one through PostgreSQL's LISTEN/NOTIFY: a console on one instance sees what another
/// raised, a rule saved on one instance counts on the others from their next evaluation without a restart, and an
/// account changed on one instance ends its live streams on the others at once.
/// </summary>
public sealed class InstancesShareChangesTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_console_on_one_instance_sees_an_alert_raised_on_another()
    {
        await using var two = await TwoInstances.StartAsync(postgres.Server);
        using var console = new LiveListener(two.A.Http);
        await console.ConnectedAsync();

        // The agent speaks to B's broker only: B stores the event and raises the alert.
        await using var agent = await TestAgent.ConnectAsync(two.BrokerOfB);
        await agent.EventAsync(1, EventKind.GateForced, "gate-01", two.Clock.GetUtcNow());
        await CloudHost.WaitUntilAsync(async () => (await two.B.GetAsync<List<AlertView>>("/api/alerts")).Any(a => a.RuleKey == "gate-forced"), "the alert on B");

        await console.WaitForAsync("\"ruleKey\":\"gate-forced\"");
        Assert.Contains("event: alert", console.Text, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"raised\"", console.Text, StringComparison.Ordinal);

        // Its work order, made in the same transaction on B, is on A's feed too.
        await console.WaitForAsync("event: workOrder");
    }

    [Fact]
    public async Task An_account_changed_on_one_instance_ends_its_live_streams_on_another_at_once()
    {
        await using var two = await TwoInstances.StartAsync(postgres.Server);

        // A live stream's registration on A; the account is disabled (or given a new role) through B.
        using var stream = two.A.Get<Iot.Cloud.Auth.AccountSessions>().Open("li-shifu");
        two.B.Get<Iot.Cloud.Auth.AccountSessions>().Revoke("li-shifu");

        // The clock stands still, so no heartbeat re-checks the stamp: only B's message can end it.
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var told = stream.Revoked.Register(() => ended.TrySetResult());
        await ended.Task.WaitAsync(Iot.Testing.Patience.Of(CloudHost.DefaultWait));
    }

    [Fact]
    public async Task A_rule_saved_on_one_instance_counts_on_another_without_a_restart()
    {
        await using var two = await TwoInstances.StartAsync(postgres.Server);
        await using var agent = await TestAgent.ConnectAsync(two.BrokerOfB);

        // B has built its rules: it raised an alert with them.
        await agent.EventAsync(1, EventKind.GateForced, "gate-01", two.Clock.GetUtcNow());
        await CloudHost.WaitUntilAsync(async () => (await two.B.GetAsync<List<AlertView>>("/api/alerts")).Any(a => a.RuleKey == "gate-forced"), "the first alert on B");

        // A new rule saved on A; B hears of it (its runner's handler runs before this one, registered at its start).
        var told = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        two.B.Get<InstanceBus>().On("rules", _ => told.TrySetResult());
        using var saved = await two.A.Http.PutAsJsonAsync("/api/rules/gate-opened-at-night", new
        {
            scope = "courtyard:yikang-1", name = "夜间开门", kind = "edgeEvent", target = "gate", fault = "gate-opened", severity = "minor",
            parameters = new { raiseOn = new[] { "gateOpened" }, clearOn = new[] { "gateClosed" } },
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        await told.Task.WaitAsync(Iot.Testing.Patience.Of(CloudHost.DefaultWait));

        await agent.EventAsync(2, EventKind.GateOpened, "gate-01", two.Clock.GetUtcNow());
        await CloudHost.WaitUntilAsync(async () => (await two.B.GetAsync<List<AlertView>>("/api/alerts")).Any(a => a.RuleKey == "gate-opened-at-night"), "B raising with the rule saved on A");
    }
}
