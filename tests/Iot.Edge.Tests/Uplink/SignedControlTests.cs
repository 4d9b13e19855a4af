using Iot.Edge.Tests.Support;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Signing;
using Iot.Protocol.Sites;
using Iot.Protocol.Topics;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Uplink;

/// <summary>
/// An attacker who can publish on an agent's topics (a stolen Pi's account, a broker left open) cannot change what it
/// runs or switch its power: configs and commands count only when signed by the key the agent trusts, addressed to it,
/// fresh, and not taken before, even across a restart. Over a real Mosquitto; each refusal is reported with its reason.
/// </summary>
public sealed class SignedControlTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>, IDisposable
{
    private static readonly TimeSpan Wait = Patience.Seconds(30);
    private readonly SigningKey _attacker = SigningKey.Create();

    public void Dispose() => _attacker.Dispose();

    private static async Task<AgentStatus> StatusAsync(MqttTestClient watcher, Func<AgentStatus, bool> match) =>
        LinkedAgent.Read<AgentStatus>(await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Status) && match(LinkedAgent.Read<AgentStatus>(m)), Wait));

    private static async Task<CommandResult> ResultAsync(MqttTestClient watcher, string id, BootId? boot = null) =>
        LinkedAgent.Read<CommandResult>(await watcher.WaitForAsync(
            m => LinkedAgent.Is(m, Channel.Results) && LinkedAgent.Read<CommandResult>(m) is var r && r.Command.Value == id && (boot is null || r.Boot == boot), Wait));

    private static AgentManifest Looser(AgentManifest manifest, double overTemperature) => manifest with
    {
        Devices = manifest.Devices.Select(d => d.Kind == DeviceKind.Charger
            ? d with { Thresholds = new Dictionary<string, Threshold> { ["overTemperatureC"] = new(Above: overTemperature, ClearBelow: 45, ForSeconds: 0) } }
            : d).ToList(),
    };

    private static DesiredConfig Desired(AgentManifest config, DateTimeOffset issuedAt) => new(ProtocolVersion.Current, config.Id, ConfigHash.Of(config), issuedAt, config);

    [Fact]
    public async Task Unsigned_forged_misaddressed_replayed_and_unsafe_configs_are_refused_with_their_reason_and_the_config_in_force_stays()
    {
        await fixture.ResetAsync();
        var harness = new AgentHarness(TestCourtyard.Only("charger-01"));
        await using var linked = new LinkedAgent(harness, fixture.Broker);
        await using var watcher = await LinkedAgent.WatchAsync(fixture.Broker);
        await StatusAsync(watcher, s => s.State == Presence.Online);
        var now = harness.Time.GetUtcNow();
        var topic = linked.Topic(Channel.Config);

        async Task<IReadOnlyList<string>> RefusedAsync(AgentManifest config, byte[] payload)
        {
            var inForce = harness.Runtime.ConfigHash;
            await watcher.PublishAsync(topic, payload, retain: true);
            var status = await StatusAsync(watcher, s => s.RejectedConfig?.Hash == ConfigHash.Of(config));
            Assert.Equal(inForce, status.ConfigHash);
            return status.RejectedConfig!.Reasons;
        }

        // What an attacker would want: the cut-off raised to 65 °C (inside the ceiling, so only the signature stops it).
        var raised = Looser(harness.Manifest, 65);
        var unsigned = await RefusedAsync(raised, ProtocolJson.Serialize(Desired(raised, now)));
        Assert.StartsWith("refused: unsigned", Assert.Single(unsigned), StringComparison.Ordinal);

        var raisedAgain = Looser(harness.Manifest, 64);   // another hash, so the refusal is told from the last one
        var forged = await RefusedAsync(raisedAgain, SignedMessage.Sign(ProtocolJson.Serialize(Desired(raisedAgain, now)), _attacker, SignedPurpose.Config));
        Assert.Contains($"signed with key '{_attacker.KeyId}', which is not trusted here", Assert.Single(forged), StringComparison.Ordinal);

        var elsewhere = raised with { Id = AgentId.Parse("test-2-a") };
        var misaddressed = await RefusedAsync(elsewhere, TestSigning.Sign(Desired(elsewhere, now)));
        Assert.Equal("refused: the config is for agent 'test-2-a', not 'test-1-a'", Assert.Single(misaddressed));

        // Over the ceiling compiled into the agent: refused whoever signs it.
        var unsafeConfig = Looser(harness.Manifest, 95);
        var tooHot = await RefusedAsync(unsafeConfig, TestSigning.Sign(Desired(unsafeConfig, now)));
        Assert.Contains(tooHot, r => r.Contains("overTemperatureC.above: is 95 Cel; the safety ceiling compiled into the agent for 'overTemperatureC' is 70 Cel", StringComparison.Ordinal));

        // A genuine config is applied; the genuine one before it, replayed later, is stale.
        var older = Looser(harness.Manifest, 55);
        var newer = Looser(harness.Manifest, 50);
        var olderMessage = TestSigning.Sign(Desired(older, now.AddMinutes(-10)));
        await watcher.PublishAsync(topic, TestSigning.Sign(Desired(newer, now)), retain: true);
        await StatusAsync(watcher, s => s.ConfigHash == ConfigHash.Of(newer));
        var replayed = await RefusedAsync(older, olderMessage);
        Assert.StartsWith("refused: stale, issued", Assert.Single(replayed), StringComparison.Ordinal);
        Assert.Equal(ConfigHash.Of(newer), harness.Runtime.ConfigHash);
        Assert.Contains(watcher.Received, m => LinkedAgent.Is(m, Channel.Events) && LinkedAgent.Read<DeviceEvent>(m).Kind == EventKind.ConfigRejected);
    }

    [Fact]
    public async Task Forged_stale_misaddressed_and_replayed_commands_never_reset_a_latched_outlet()
    {
        await fixture.ResetAsync();
        var folder = fixture.NewFolder("agent");
        var harness = new AgentHarness(TestCourtyard.Only("charger-01"), folder: folder);
        var model = harness.Model.Charger("charger-01");
        model.Outlet(1).LoadA = 6;                          // over-current: outlet 1 latched
        harness.Run(TimeSpan.FromSeconds(2));
        model.Outlet(1).LoadA = 1.5;
        Assert.False(model.RelayOn(1));
        var linked = new LinkedAgent(harness, fixture.Broker);
        await using var watcher = await LinkedAgent.WatchAsync(fixture.Broker);
        await StatusAsync(watcher, s => s.State == Presence.Online);
        var now = harness.Time.GetUtcNow();

        Command Reset(string id, DateTimeOffset issuedAt, string agent = "test-1-a") =>
            new(ProtocolVersion.Current, CommandId.Parse(id), AgentId.Parse(agent), CommandKind.ResetOutlet, issuedAt, DeviceId.Parse("charger-01"), 1, Person: "李师傅", Reason: "检查完毕");

        async Task<string> RefusedAsync(string id, byte[] payload)
        {
            await watcher.PublishAsync(linked.Topic(Channel.Commands), payload);
            var result = await ResultAsync(watcher, id);
            Assert.False(result.Ok);
            Assert.False(model.RelayOn(1));
            return result.Error!;
        }

        Assert.StartsWith("refused: unsigned", await RefusedAsync("c-unsigned", ProtocolJson.Serialize(Reset("c-unsigned", now))), StringComparison.Ordinal);
        Assert.Contains("not trusted here", await RefusedAsync("c-forged", SignedMessage.Sign(ProtocolJson.Serialize(Reset("c-forged", now)), _attacker, SignedPurpose.Command)), StringComparison.Ordinal);
        Assert.Contains("not as 'iot-command'", await RefusedAsync("c-as-config", TestSigning.Sign(ProtocolJson.Serialize(Reset("c-as-config", now)), SignedPurpose.Config)), StringComparison.Ordinal);
        Assert.Contains("more than 5 minutes", await RefusedAsync("c-stale", TestSigning.Sign(Reset("c-stale", now.AddMinutes(-6)))), StringComparison.Ordinal);
        Assert.Equal("refused: the command is for agent 'test-2-a', not 'test-1-a'", await RefusedAsync("c-other", TestSigning.Sign(Reset("c-other", now, agent: "test-2-a"))));

        // A genuine reset, recorded on the wire by the attacker.
        var genuine = TestSigning.Sign(Reset("c-genuine", now));
        await watcher.PublishAsync(linked.Topic(Channel.Commands), genuine);
        Assert.True((await ResultAsync(watcher, "c-genuine")).Ok);
        Assert.True(model.RelayOn(1));

        // The outlet trips again; the recorded reset is replayed after the agent restarted: it is not carried out twice.
        model.Outlet(1).LoadA = 6;
        harness.Run(TimeSpan.FromSeconds(2));
        model.Outlet(1).LoadA = 1.5;
        Assert.False(model.RelayOn(1));
        await linked.DisposeAsync();
        using var restarted = new AgentHarness(TestCourtyard.Only("charger-01"), folder: folder);
        await using var relinked = new LinkedAgent(restarted, fixture.Broker);
        await StatusAsync(watcher, s => s.State == Presence.Online && s.Boot == restarted.Runtime.Clock.Boot);
        await watcher.PublishAsync(relinked.Topic(Channel.Commands), genuine);
        var replayed = await ResultAsync(watcher, "c-genuine", restarted.Runtime.Clock.Boot);
        Assert.False(replayed.Ok);
        Assert.Contains("carried out before", replayed.Error, StringComparison.Ordinal);
        restarted.Run(TimeSpan.FromSeconds(1));
        Assert.False(restarted.Model.Charger("charger-01").RelayOn(1));
    }
}
