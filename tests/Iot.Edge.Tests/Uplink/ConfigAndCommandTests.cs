using Iot.Edge.Tests.Support;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using Iot.Protocol.Topics;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Uplink;

/// <summary>Config and commands over a real Mosquitto, shared by the class and reset before each test (no retained config survives).</summary>
public sealed class ConfigAndCommandTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private static readonly TimeSpan Wait = Patience.Seconds(30);

    private MosquittoBroker Broker => fixture.Broker;

    private static byte[] Desired(AgentManifest config, DateTimeOffset issuedAt, string? hash = null) =>
        TestSigning.Sign(new DesiredConfig(ProtocolVersion.Current, config.Id, hash ?? ConfigHash.Of(config), issuedAt, config));

    private static async Task<AgentStatus> NextStatusAsync(MqttTestClient watcher, Func<AgentStatus, bool> match) =>
        LinkedAgent.Read<AgentStatus>(await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Status) && match(LinkedAgent.Read<AgentStatus>(m)), Wait));

    [Fact]
    public async Task A_bad_config_is_rejected_with_reasons_and_the_old_one_stays_in_force_until_a_good_one_arrives()
    {
        await fixture.ResetAsync();
        var harness = new AgentHarness(TestCourtyard.Only("lamp-01", "gate-01"));
        await using var linked = new LinkedAgent(harness, Broker);
        await using var watcher = await LinkedAgent.WatchAsync(Broker);
        var original = harness.Runtime.ConfigHash;
        await NextStatusAsync(watcher, s => s.State == Presence.Online);

        // Two devices on one pin: the validator refuses it; so must the agent.
        var manifest = harness.Manifest;
        var clash = manifest with
        {
            Devices = manifest.Devices.Select(d => d.Id.Value == "gate-01"
                ? d with { Parts = d.Parts.Select(p => p.Role == "reed" ? p with { Pin = 5 } : p).ToList() }
                : d).ToList(),
        };
        await watcher.PublishAsync(linked.Topic(Channel.Config), Desired(clash, harness.Time.GetUtcNow()), retain: true);

        var rejected = await NextStatusAsync(watcher, s => s.RejectedConfig is not null);
        Assert.Equal(original, rejected.ConfigHash);
        Assert.Equal(ConfigHash.Of(clash), rejected.RejectedConfig!.Hash);
        Assert.Contains(rejected.RejectedConfig.Reasons, r => r.Contains("GPIO 5 is already used", StringComparison.Ordinal));
        var refusal = LinkedAgent.Read<DeviceEvent>(await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Events), Wait));
        Assert.Equal(EventKind.ConfigRejected, refusal.Kind);
        Assert.Equal(original, harness.Runtime.ConfigHash);
        Assert.NotNull(harness.Runtime.Device("gate-01"));

        // A hash that does not match the content is refused too.
        await watcher.PublishAsync(linked.Topic(Channel.Config), Desired(manifest, harness.Time.GetUtcNow(), hash: new string('a', 64)), retain: true);
        await NextStatusAsync(watcher, s => s.RejectedConfig?.Hash == new string('a', 64));

        // A good config: held open for 60 s instead of 180 s.
        var shorter = manifest with
        {
            Devices = manifest.Devices.Select(d => d.Id.Value == "gate-01"
                ? d with { Thresholds = new Dictionary<string, Threshold> { ["heldOpen"] = new(ForSeconds: 60) } }
                : d).ToList(),
        };
        await watcher.PublishAsync(linked.Topic(Channel.Config), Desired(shorter, harness.Time.GetUtcNow()), retain: true);
        var applied = await NextStatusAsync(watcher, s => s.ConfigHash == ConfigHash.Of(shorter));
        Assert.Null(applied.RejectedConfig);
        await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Events) && LinkedAgent.Read<DeviceEvent>(m).Kind == EventKind.ConfigApplied, Wait);

        var gate = harness.Model.Gate("gate-01");
        gate.Unlock();
        gate.Open();
        harness.Run(TimeSpan.FromSeconds(65), TimeSpan.FromSeconds(1));
        var held = LinkedAgent.Read<DeviceEvent>(await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Events) && LinkedAgent.Read<DeviceEvent>(m).Kind == EventKind.GateHeldOpen, Wait));
        Assert.Equal(60, held.Value!.Value, 1.0);   // the new threshold is in force
    }

    [Fact]
    public async Task Every_command_gets_a_result_a_reset_without_a_reason_is_refused_and_none_acts_twice()
    {
        await fixture.ResetAsync();
        var harness = new AgentHarness(TestCourtyard.Only("lamp-01", "charger-01"));
        await using var linked = new LinkedAgent(harness, Broker);
        await using var watcher = await LinkedAgent.WatchAsync(Broker);
        await NextStatusAsync(watcher, s => s.State == Presence.Online);
        var model = harness.Model.Charger("charger-01");
        model.Outlet(1).LoadA = 6;                       // over-current: latched
        harness.Run(TimeSpan.FromSeconds(2));
        model.Outlet(1).LoadA = 1.5;
        var at = harness.Time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

        async Task<CommandResult> Send(string id, string body)
        {
            var earlier = watcher.Received.Count(m => LinkedAgent.Is(m, Channel.Results) && LinkedAgent.Read<CommandResult>(m).Command.Value == id);
            await watcher.PublishAsync(linked.Topic(Channel.Commands), TestSigning.Sign(
                System.Text.Encoding.UTF8.GetBytes($$"""{"v":"1.1","id":"{{id}}","agent":"test-1-a","issuedAt":"{{at}}",{{body}}}"""), Protocol.Signing.SignedPurpose.Command));
            await watcher.WaitForCountAsync(m => LinkedAgent.Is(m, Channel.Results) && LinkedAgent.Read<CommandResult>(m).Command.Value == id, earlier + 1, Wait);
            return LinkedAgent.Read<CommandResult>(watcher.Received.Last(m => LinkedAgent.Is(m, Channel.Results) && LinkedAgent.Read<CommandResult>(m).Command.Value == id));
        }

        var noReason = await Send("reset-1", """ "kind":"resetOutlet","device":"charger-01","outlet":1,"person":"李师傅","reason":"" """);
        Assert.False(noReason.Ok);
        Assert.Contains("reason", noReason.Error, StringComparison.Ordinal);
        Assert.False(model.RelayOn(1));

        var noPerson = await Send("reset-2", """ "kind":"resetOutlet","device":"charger-01","outlet":1,"reason":"ok" """);
        Assert.False(noPerson.Ok);
        Assert.Contains("person", noPerson.Error, StringComparison.Ordinal);

        var reset = await Send("reset-3", """ "kind":"resetOutlet","device":"charger-01","outlet":1,"person":"李师傅","reason":"换了充电器" """);
        Assert.True(reset.Ok, reset.Error);
        Assert.True(model.RelayOn(1));

        var lampOff = await Send("lamp-off", """ "kind":"switchLamp","device":"lamp-01","on":false """);
        Assert.True(lampOff.Ok);
        Assert.False(harness.Model.Lamp("lamp-01").RelayOn);

        var unknownDevice = await Send("lamp-99", """ "kind":"switchLamp","device":"lamp-99","on":true """);
        Assert.False(unknownDevice.Ok);

        var again = await Send("lamp-off", """ "kind":"switchLamp","device":"lamp-01","on":false """);    // QoS 1 redelivery
        Assert.False(again.Ok);
        Assert.Contains("carried out before", again.Error, StringComparison.Ordinal);
        await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Events) && LinkedAgent.Read<DeviceEvent>(m).Kind == EventKind.LampSwitched, Wait);
        Assert.Single(watcher.Received, m => LinkedAgent.Is(m, Channel.Events) && LinkedAgent.Read<DeviceEvent>(m).Kind == EventKind.LampSwitched);
    }

    [Fact]
    public async Task With_the_clock_unsynced_readings_carry_boot_relative_times_and_none_is_stamped_1970()
    {
        await fixture.ResetAsync();
        // A Pi after a power cut: no real-time clock, so the system clock starts at the epoch.
        var harness = new AgentHarness(TestCourtyard.Only("lamp-01", "gate-01"), start: DateTimeOffset.UnixEpoch);
        await using var linked = new LinkedAgent(harness, Broker);
        await using var watcher = await LinkedAgent.WatchAsync(Broker);
        harness.Run(TimeSpan.FromSeconds(20));
        harness.Model.Gate("gate-01").Open();
        await watcher.WaitForCountAsync(m => LinkedAgent.Is(m, Channel.Telemetry), 3, Wait);
        await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Events), Wait);

        var realNow = DateTimeOffset.UtcNow;
        foreach (var message in watcher.Received)
        {
            // The cloud's own validation: every message is acceptable, and none is before 2020.
            var read = Protocol.Validation.MessageReader.ReadUplink(AgentTopic.Parse(message.Topic), message.Payload, realNow);
            Assert.True(read.IsValid, read.Summary);
            Assert.DoesNotContain("1970", message.Text, StringComparison.Ordinal);
        }

        var batch = LinkedAgent.Read<TelemetryBatch>(watcher.Received.First(m => LinkedAgent.Is(m, Channel.Telemetry)));
        Assert.All(batch.Readings, r => Assert.True(r.At is null && r.BootMs is > 0 and < 20_000));
        var forced = LinkedAgent.Read<DeviceEvent>(watcher.Received.First(m => LinkedAgent.Is(m, Channel.Events)));
        Assert.True(forced.At is null && forced.BootMs is >= 20_000 and < 21_000);
        var status = LinkedAgent.Read<AgentStatus>(watcher.Received.First(m => LinkedAgent.Is(m, Channel.Status)));
        Assert.False(status.ClockSynced);
        Assert.Null(status.At);

        Assert.All(watcher.Received.Where(m => LinkedAgent.Is(m, Channel.Telemetry)), m => Assert.Null(LinkedAgent.Read<TelemetryBatch>(m).Clock));

        // NTP sets the clock 20 s after boot (the monotonic clock runs on): from then on readings carry UTC, the moment is
        // announced, and every batch says where the boot starts, so its boot-relative readings can be placed without a status.
        var syncedAt = new DateTimeOffset(2026, 11, 29, 13, 0, 0, TimeSpan.Zero);
        var bootStart = syncedAt - (harness.Time.GetUtcNow() - DateTimeOffset.UnixEpoch);   // the harness booted at the epoch
        harness.Time.Sync(syncedAt);
        harness.Run(TimeSpan.FromSeconds(6));
        var synced = LinkedAgent.Read<DeviceEvent>(await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Events) && LinkedAgent.Read<DeviceEvent>(m).Kind == EventKind.ClockSynced, Wait));
        Assert.NotNull(synced.At);
        var later = LinkedAgent.Read<TelemetryBatch>(await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Telemetry) && LinkedAgent.Read<TelemetryBatch>(m).Readings[0].At is not null, Wait));
        Assert.Equal(2026, later.Readings[0].At!.Value.Year);
        Assert.Equal(later.Readings[0].At, later.Clock!.At);
        Assert.Equal(bootStart, later.Clock.BootStart);
        var last = watcher.Received.Last(m => LinkedAgent.Is(m, Channel.Telemetry));
        var valid = Protocol.Validation.MessageReader.ReadUplink(AgentTopic.Parse(last.Topic), last.Payload, syncedAt + TimeSpan.FromSeconds(6));
        Assert.True(valid.IsValid, valid.Summary);
    }

    [Fact]
    public void A_boot_whose_clock_was_synced_from_its_start_writes_no_clock_in_its_batches()
    {
        using var harness = new AgentHarness(TestCourtyard.Only("lamp-01"));
        harness.Run(TimeSpan.FromSeconds(12));

        var batches = harness.Records().Where(r => r.Channel == Channel.Telemetry).Select(r => ProtocolJson.DeserializeTrusted<TelemetryBatch>(r.Payload)!).ToList();
        Assert.NotEmpty(batches);
        Assert.All(batches, b => Assert.True(b.Clock is null && b.Readings.All(r => r.At is not null)));
    }
}
