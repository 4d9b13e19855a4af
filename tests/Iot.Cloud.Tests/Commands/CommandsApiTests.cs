using System.Net;
using System.Net.Http.Json;
using Iot.Cloud.Audit;
using Iot.Cloud.Commands;
using Iot.Cloud.Data;
using Iot.Cloud.Signing;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Signing;
using Iot.Protocol.Topics;
using Iot.Protocol.Validation;
using Iot.Testing;
using Iot.Testing.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Commands;

/// <summary>
/// Commands through the API on the real cloud, real Mosquitto and a fake clock: what is published (signed with the
/// cloud's key, addressed to the agent), every refusal, and the states that follow from the agent's answers.
/// </summary>
public sealed class CommandsApiTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    private const string Agent = "yikang-1-a";
    private static readonly string CommandsTopic = new AgentTopic(SiteId.Parse("yongchang"), CourtyardId.Parse("yikang-1"), AgentId.Parse(Agent), Channel.Commands).ToString();
    private static readonly object FullChecklist = new { batteryRemoved = true, socketInspected = true, noSmellOrSmoke = true };

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private long _seq;

    // No retained status or cloud session of an earlier test reaches this one's cloud.
    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<CloudHost> StartAsync()
    {
        var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), clock: _clock);
        await cloud.WaitReadyAsync();
        return cloud;
    }

    [Fact]
    public async Task A_reset_on_the_open_cut_off_order_is_signed_with_the_clouds_key_addressed_to_the_agent_and_audited()
    {
        await using var cloud = await StartAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await using var commands = await SubscribeAsync();
        var order = await CutOffOrderAsync(cloud, agent, outlet: 2);
        using var li = await cloud.ClientAsync("xinyu-li");

        using var response = await li.PostAsJsonAsync($"/api/agents/{Agent}/commands/reset-outlet", new { device = "charger-01", outlet = 2, reason = "电动车电池鼓包，已移走", checklist = FullChecklist });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var view = (await response.Content.ReadFromJsonAsync<CommandView>(Json.Options))!;
        Assert.Equal(CommandState.Sent, view.State);
        Assert.Equal(order, view.WorkOrderId);
        Assert.Equal(("李师傅", "xinyu-li"), (view.Person, view.IssuedBy));
        Assert.Equal(["batteryRemoved", "socketInspected", "noSmellOrSmoke"], view.Checklist);
        Assert.Equal($"/api/commands/{view.Id}", response.Headers.Location?.OriginalString);

        var command = Open(cloud, await commands.WaitForAsync(m => m.Topic == CommandsTopic, Patience.Seconds(30)));
        Assert.Equal((view.CommandId, Agent, CommandKind.ResetOutlet), (command.Id.Value, command.Agent.Value, command.Kind));
        Assert.Equal(("charger-01", 2, "李师傅"), (command.Device?.Value, command.Outlet, command.Person));
        Assert.Contains("电动车电池鼓包，已移走", command.Reason, StringComparison.Ordinal);
        Assert.Contains("电池已移走、插座已检查、无异味无烟", command.Reason, StringComparison.Ordinal);
        Assert.Equal(view.IssuedAt, command.IssuedAt);
        Assert.True((_clock.GetUtcNow() - command.IssuedAt).Duration() < TimeSpan.FromMilliseconds(1));

        await using var scope = cloud.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        var audit = await db.AuditLog.AsNoTracking().SingleAsync(a => a.Entity == "outlet" && a.EntityId == "yikang-1-a/charger-01/o2");
        Assert.Equal(("xinyu-li", "command:resetOutlet"), (audit.Actor, audit.Action));
        Assert.StartsWith(view.CommandId, audit.Detail, StringComparison.Ordinal);
        Assert.Contains("电动车电池鼓包", audit.Detail, StringComparison.Ordinal);
        Assert.Contains("李师傅", audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lamp_is_switched_for_a_while_and_a_status_requested_each_as_a_signed_command()
    {
        await using var cloud = await StartAsync();
        await using var commands = await SubscribeAsync();
        using var wang = await cloud.ClientAsync("xinyu-wang");

        using var lamp = await wang.PostAsJsonAsync($"/api/agents/{Agent}/commands/switch-lamp", new { device = "lamp-02", on = false, forMinutes = 45, reason = "更换灯头" });
        Assert.Equal(HttpStatusCode.Accepted, lamp.StatusCode);
        var switched = Open(cloud, await commands.WaitForAsync(m => m.Topic == CommandsTopic, Patience.Seconds(30)));
        Assert.Equal((CommandKind.SwitchLamp, "lamp-02", false, 45), (switched.Kind, switched.Device?.Value, switched.On, switched.ForMinutes));
        Assert.Equal(("王经理", "更换灯头"), (switched.Person, switched.Reason));

        using var status = await wang.PostAsync(new Uri($"/api/agents/{Agent}/commands/request-status", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, status.StatusCode);
        var requested = Open(cloud, (await commands.WaitForCountAsync(m => m.Topic == CommandsTopic, 2, Patience.Seconds(30)))[1]);
        Assert.Equal((CommandKind.RequestStatus, null), (requested.Kind, requested.Device));

        var listed = await cloud.GetAsync<List<CommandView>>("/api/courtyards/yikang-1/commands");
        Assert.Equal([CommandKind.RequestStatus, CommandKind.SwitchLamp], listed.Select(c => c.Kind));
    }

    [Fact]
    public async Task States_follow_the_agents_first_answer_and_a_command_without_one_is_unanswered_after_30_seconds_on_the_clock()
    {
        await using var cloud = await StartAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        using var li = await cloud.ClientAsync("xinyu-li");
        using var live = new LiveListener(li);
        await live.ConnectedAsync();

        async Task<CommandView> RequestAsync()
        {
            using var response = await li.PostAsync(new Uri($"/api/agents/{Agent}/commands/request-status", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<CommandView>(Json.Options))!;
        }

        var done = await RequestAsync();
        var refused = await RequestAsync();
        var silent = await RequestAsync();
        await live.WaitForAsync($"\"kind\":\"sent\",\"id\":{silent.Id}");

        const string hot = "outlet 2 still reads 68.0 Cel; it cannot be reset until it is below 45.0 Cel";
        await AnswerAsync(agent, done, ok: true);
        await AnswerAsync(agent, refused, ok: false, hot);
        await WaitForStateAsync(cloud, refused, CommandState.Refused);
        Assert.Equal(CommandState.CarriedOut, (await GetAsync(cloud, done)).State);
        var refusal = await GetAsync(cloud, refused);
        Assert.Equal(hot, refusal.Error);
        Assert.Equal(new AgentRefusal(RefusalKind.StillHot, ["68", "45"]).Values, refusal.Refusal!.Values);
        await live.WaitForAsync($"\"kind\":\"refused\",\"id\":{refused.Id}");
        await live.WaitForAsync($"\"kind\":\"carriedOut\",\"id\":{done.Id}");

        // 29 s: still waiting. 30 s: no answer, on the page as well.
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(CommandState.Sent, (await GetAsync(cloud, silent)).State);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CommandState.NoAnswer, (await GetAsync(cloud, silent)).State);
        await live.WaitForAsync($"\"kind\":\"noAnswer\",\"id\":{silent.Id}");
        var page = WebUtility.HtmlDecode(await li.GetStringAsync(new Uri("/console/courtyards/yikang-1", UriKind.Relative)));
        Assert.Contains($"data-command-id=\"{silent.Id}\" data-state=\"noAnswer\"", page, StringComparison.Ordinal);
        Assert.Contains("30秒内无应答：终端可能离线", page, StringComparison.Ordinal);
        Assert.Contains($"data-command-id=\"{refused.Id}\" data-state=\"refused\"", page, StringComparison.Ordinal);
        Assert.Contains("被拒绝：温度仍为 68 °C，降到 45 °C 以下才能复位", page, StringComparison.Ordinal);

        // The carried-out command replayed: the agent refuses it as carried out before, which changes nothing.
        await AnswerAsync(agent, done, ok: false, $"refused: command {done.CommandId} was carried out before; a command is never carried out twice");

        // An answer that comes late still counts.
        await AnswerAsync(agent, silent, ok: true);
        await WaitForStateAsync(cloud, silent, CommandState.CarriedOut);
        Assert.Equal(CommandState.CarriedOut, (await GetAsync(cloud, done)).State);

        // Each first answer is in the audit log once, in the agent's name; the replay's refusal is not.
        await CloudHost.WaitUntilAsync(async () => (await AuditAsync(cloud, "result:")).Count == 3, "three answers audited");
        var answers = await AuditAsync(cloud, "result:");
        Assert.All(answers, a => Assert.Equal(Agent, a.Actor));
        Assert.Equal("result:carriedOut", answers.Single(a => a.Detail!.StartsWith(done.CommandId, StringComparison.Ordinal)).Action);
        Assert.Equal($"{refused.CommandId}: {hot}", answers.Single(a => a.Action == "result:refused").Detail);
    }

    [Fact]
    public async Task A_reset_is_refused_outside_the_scope_for_the_wrong_role_without_the_checklist_or_a_reason_and_without_an_open_cut_off_order()
    {
        await using var cloud = await StartAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await using var commands = await SubscribeAsync();
        var order = await CutOffOrderAsync(cloud, agent, outlet: 2);
        using var li = await cloud.ClientAsync("xinyu-li");
        using var zhao = await cloud.ClientAsync("cable-zhao");
        using var zhang = await cloud.ClientAsync("yikang-zhang");
        var reset = new { device = "charger-01", outlet = 2, reason = "已检查", checklist = FullChecklist };

        async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient client, object body, string agentId = Agent, string command = "reset-outlet")
        {
            using var response = await client.PostAsJsonAsync($"/api/agents/{agentId}/commands/{command}", body);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        // Another company's courtyard, another community's: as if they did not exist. A supervising committee does no work.
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(zhao, reset)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(li, reset, "yongxing-6-a")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(cloud.Http, reset, "no-such-agent")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(zhang, reset)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await cloud.Anonymous().PostAsJsonAsync($"/api/agents/{Agent}/commands/reset-outlet", reset)).StatusCode);

        // Unknown device and outlet, named.
        var unknown = await PostAsync(li, new { device = "charger-09", outlet = 2, reason = "x", checklist = FullChecklist });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Contains("has no device 'charger-09'", unknown.Body, StringComparison.Ordinal);
        var lamp = await PostAsync(li, new { device = "lamp-01", outlet = 2, reason = "x", checklist = FullChecklist });
        Assert.Contains("not a charging station", lamp.Body, StringComparison.Ordinal);
        var outlet = await PostAsync(li, new { device = "charger-01", outlet = 9, reason = "x", checklist = FullChecklist });
        Assert.Equal(HttpStatusCode.BadRequest, outlet.Status);
        Assert.Contains("has no outlet 9; its outlets are 1, 2, 3, 4, 5, 6", outlet.Body, StringComparison.Ordinal);

        // The inspection and a reason, in the product's words.
        var none = await PostAsync(li, new { device = "charger-01", outlet = 2, reason = "已检查" });
        Assert.Equal(HttpStatusCode.BadRequest, none.Status);
        Assert.Contains("电池已移走 (battery removed), 插座已检查 (socket inspected), 无异味无烟 (no smell or smoke)", none.Body, StringComparison.Ordinal);
        var partly = await PostAsync(li, new { device = "charger-01", outlet = 2, reason = "已检查", checklist = new { batteryRemoved = true, socketInspected = true } });
        Assert.Contains("not confirmed: 无异味无烟 (no smell or smoke)", partly.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("电池已移走", partly.Body, StringComparison.Ordinal);
        var reasonless = await PostAsync(li, new { device = "charger-01", outlet = 2, reason = "  ", checklist = FullChecklist });
        Assert.Equal(HttpStatusCode.BadRequest, reasonless.Status);
        Assert.Contains("a reason is required", reasonless.Body, StringComparison.Ordinal);

        // Only on the open order for that outlet's cut-off.
        var other = await PostAsync(li, reset with { outlet = 3 });
        Assert.Equal(HttpStatusCode.Conflict, other.Status);
        Assert.Contains("no open work order for the cut-off of outlet 3", other.Body, StringComparison.Ordinal);
        // Cancelling an order from an alert is the street office's (or the community's), never the company's own.
        (await cloud.Http.PostAsJsonAsync($"/api/work-orders/{order}/status", new { status = "cancelled", note = "误报" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(li, reset)).Status);

        // A lamp needs a streetlight, a time limit and a reason.
        Assert.Contains("not a streetlight", (await PostAsync(li, new { device = "gate-01", on = true, forMinutes = 10, reason = "检修" }, command: "switch-lamp")).Body, StringComparison.Ordinal);
        Assert.Contains("1 to 1440 minutes", (await PostAsync(li, new { device = "lamp-01", on = true, reason = "检修" }, command: "switch-lamp")).Body, StringComparison.Ordinal);
        Assert.Contains("1 to 1440 minutes", (await PostAsync(li, new { device = "lamp-01", on = true, forMinutes = 1441, reason = "检修" }, command: "switch-lamp")).Body, StringComparison.Ordinal);
        Assert.Contains("a reason is required", (await PostAsync(li, new { device = "lamp-01", on = true, forMinutes = 10 }, command: "switch-lamp")).Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(zhao, new { }, command: "request-status")).Status);

        // Nothing refused went out: the one accepted command afterwards is the first on the topic.
        using var accepted = await li.PostAsync(new Uri($"/api/agents/{Agent}/commands/request-status", UriKind.Relative), null);
        var view = (await accepted.Content.ReadFromJsonAsync<CommandView>(Json.Options))!;
        await commands.WaitForAsync(m => m.Topic == CommandsTopic, Patience.Seconds(30));
        Assert.Equal(view.CommandId, Open(cloud, Assert.Single(commands.Received)).Id.Value);

        // Reading a command follows the courtyard's scope: the community sees it, another company does not.
        Assert.Equal(HttpStatusCode.OK, (await zhang.GetAsync(new Uri($"/api/commands/{view.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await zhao.GetAsync(new Uri($"/api/commands/{view.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await zhao.GetAsync(new Uri("/api/courtyards/yikang-1/commands", UriKind.Relative))).StatusCode);
    }

    // The agent's charger cuts outlet n off; the critical alert makes a work order at once.
    private async Task<long> CutOffOrderAsync(CloudHost cloud, TestAgent agent, int outlet)
    {
        await agent.RawAsync(agent.Topic(Channel.Events), ProtocolJson.Serialize(new DeviceEvent(
            ProtocolVersion.Current, agent.Agent, agent.Boot, Interlocked.Increment(ref _seq), EventKind.ChargerCutOff, DeviceId.Parse("charger-01"),
            At: _clock.GetUtcNow(), Outlet: outlet, Value: 71.5, Reason: "overTemperature")));
        WorkOrderView? order = null;
        await CloudHost.WaitUntilAsync(
            async () => (order = (await cloud.GetAsync<List<WorkOrderView>>("/api/work-orders?courtyard=yikang-1")).FirstOrDefault(o => o.Subject == $"{Agent}/charger-01/o{outlet}")) is not null,
            "the cut-off's work order");
        return order!.Id;
    }

    private Task AnswerAsync(TestAgent agent, CommandView command, bool ok, string? error = null) =>
        agent.RawAsync(agent.Topic(Channel.Results), ProtocolJson.Serialize(new CommandResult(
            ProtocolVersion.Current, agent.Agent, agent.Boot, Interlocked.Increment(ref _seq), CommandId.Parse(command.CommandId), ok, error, At: _clock.GetUtcNow())));

    private static Task<CommandView> GetAsync(CloudHost cloud, CommandView command) => cloud.GetAsync<CommandView>($"/api/commands/{command.Id}");

    private static Task WaitForStateAsync(CloudHost cloud, CommandView command, CommandState state) =>
        CloudHost.WaitUntilAsync(async () => (await GetAsync(cloud, command)).State == state, $"command {command.Id} {state}");

    private static async Task<List<Iot.Cloud.Audit.AuditEntry>> AuditAsync(CloudHost cloud, string action)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        return await db.AuditLog.AsNoTracking().Where(a => a.Entity == "agent" && a.Action.StartsWith(action)).OrderBy(a => a.Id).ToListAsync();
    }

    private async Task<MqttTestClient> SubscribeAsync()
    {
        var client = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port);
        await client.SubscribeAsync(CommandsTopic);
        return client;
    }

    // Opens a published command as an agent does: signed by the cloud's key (its public half, as provisioned), for a command, not retained.
    private static Command Open(CloudHost cloud, ReceivedMessage message)
    {
        Assert.False(message.Retained);
        using var trusted = TrustedKeys.FromPem([File.ReadAllText(cloud.Get<CloudSigner>().PublicKeyFile)]);
        Assert.False(SignedMessage.Open(message.Payload, trusted, SignedPurpose.Config).IsTrusted);
        var opened = SignedMessage.Open(message.Payload, trusted, SignedPurpose.Command);
        Assert.True(opened.IsTrusted, opened.Problem);
        var read = MessageReader.ReadCommand(opened.Payload, DateTimeOffset.UtcNow);
        Assert.True(read.IsValid, read.Summary);
        return read.Message!;
    }
}
