using Iot.Protocol.Topics;
using Iot.Testing;
using MQTTnet;
using MQTTnet.Formatter;

namespace Iot.Cloud.Tests.Broker;

/// <summary>
/// What a broker with the provisioned accounts lets each client do, probed through real MQTT clients (MQTTnet, and
/// Mosquitto's <c>mosquitto_pub</c> and <c>mosquitto_sub</c>). The same probes run on Mosquitto with the generated files
/// and on the embedded broker given the same folder: the embedded broker is held to Mosquitto's rules. A refused
/// publish is judged by its effect (who received it), since <c>mosquitto_pub</c> and MQTT 3.1.1 do not report refusals.
/// </summary>
public abstract class BrokerAccessContract(ProvisionedBroker broker)
{
    private static readonly TimeSpan Wait = Patience.Seconds(30);

    private Provisioning Site => broker.Provisioning;

    private ProvisionedAgent A => Site.A;

    private ProvisionedAgent B => Site.B;

    private static bool Accepted(MqttClientPublishResult result) =>
        result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;

    private static string Marker(string what) => $"{what}-{Guid.NewGuid():N}";

    // What the issue's forgeries looked like: a gate forced open in another courtyard, a command to another agent.
    private static string GateForced(ProvisionedAgent victim) =>
        $$"""{"v":"1.1","agent":"{{victim.Id}}","boot":"f0f0f0f0f0f0f0f0","seq":1,"kind":"gateForced","device":"gate-01","at":"{{DateTimeOffset.UtcNow:O}}"}""";

    private static string RequestStatus(ProvisionedAgent victim) =>
        $$"""{"v":"1.1","id":"forged-{{Guid.NewGuid():N}}","agent":"{{victim.Id}}","kind":"requestStatus","issuedAt":"{{DateTimeOffset.UtcNow:O}}"}""";

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Anonymous_clients_are_refused(MqttProtocolVersion version)
    {
        var (client, result) = await MqttTestClient.TryConnectAsync(broker.Host, broker.Port, configure: o => o.WithProtocolVersion(version));
        await using var _ = client;
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);

        var (exit, output) = await Commands.MosquittoAsync("mosquitto_sub", "-h", broker.Host, "-p", Port, "-t", "estate/#", "-C", "1");
        Assert.NotEqual(0, exit);
        Assert.Contains("not authorised", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_wrong_password_an_unknown_account_and_another_agents_password_are_refused()
    {
        (string User, string Password)[] attempts =
        [
            (A.Id, "not-the-password"),
            (A.Id, Site.PasswordOf(B.Id)),
            (A.Id, string.Empty),
            ("nobody", Site.PasswordOf(A.Id)),
            (Provisioning.Cloud, Site.PasswordOf(A.Id)),
        ];
        foreach (var (user, password) in attempts)
        {
            var (client, result) = await MqttTestClient.TryConnectAsync(broker.Host, broker.Port, user, password);
            await using var _ = client;
            Assert.True(result.ResultCode is MqttClientConnectResultCode.NotAuthorized or MqttClientConnectResultCode.BadUserNameOrPassword, $"{user}: {result.ResultCode}");
        }

        var (exit, output) = await Commands.MosquittoAsync("mosquitto_sub", "-h", broker.Host, "-p", Port, "-u", A.Id, "-P", Site.PasswordOf(B.Id), "-t", A.Topic(Channel.Config), "-C", "1");
        Assert.NotEqual(0, exit);
        Assert.Contains("not authorised", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_agent_cannot_publish_as_another_agent_so_a_forged_gate_event_reaches_no_one()
    {
        await using var cloud = await broker.ConnectAsync(Provisioning.Cloud);
        await using var events = await broker.ConnectAsync(Provisioning.CloudEvents);
        foreach (var channel in new[] { Channel.Telemetry, Channel.Status, Channel.Results })
        {
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await cloud.SubscribeAsync(AgentTopic.Filter(channel)));
        }

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await events.SubscribeAsync(AgentTopic.Filter(Channel.Events)));
        await using (var a = await broker.ConnectAsync(A.Id))
        {
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await a.PublishAsync(B.Topic(Channel.Events), GateForced(B))).ReasonCode);
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await a.PublishAsync(B.Topic(Channel.Telemetry), "forged")).ReasonCode);
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await a.PublishAsync(B.Topic(Channel.Status), "forged", retain: true)).ReasonCode);
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await a.PublishAsync(B.Topic(Channel.Results), "forged")).ReasonCode);
            Assert.True(Accepted(await a.PublishAsync(A.Topic(Channel.Telemetry), "own telemetry")));
        }

        // A broker forwards one client's messages in order: once A's own is in, any forged one before it would be too.
        await cloud.WaitForAsync(m => m.Topic == A.Topic(Channel.Telemetry), Wait);

        // mosquitto_pub reports nothing (exit 0 either way): the effect is what counts.
        var (exit, _) = await Commands.MosquittoAsync("mosquitto_pub", "-h", broker.Host, "-p", Port, "-u", A.Id, "-P", Site.PasswordOf(A.Id), "-q", "1", "-t", B.Topic(Channel.Events), "-m", GateForced(B));
        Assert.Equal(0, exit);
        var own = Marker("own");
        await Commands.MosquittoAsync("mosquitto_pub", "-h", broker.Host, "-p", Port, "-u", A.Id, "-P", Site.PasswordOf(A.Id), "-q", "1", "-t", A.Topic(Channel.Events), "-m", own);
        await events.WaitForAsync(m => m.Text == own, Wait);
        Assert.DoesNotContain(cloud.Received.Concat(events.Received), m => m.Text.Contains("forged", StringComparison.Ordinal) || m.Text.Contains("gateForced", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_agent_cannot_publish_config_or_commands_so_a_forged_request_status_reaches_no_agent()
    {
        await using var b = await broker.ConnectAsync(B.Id);
        await b.SubscribeAsync(B.Topic(Channel.Commands));
        await b.SubscribeAsync(B.Topic(Channel.Config));
        await using var a = await broker.ConnectAsync(A.Id);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await a.PublishAsync(B.Topic(Channel.Commands), RequestStatus(B))).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await a.PublishAsync(B.Topic(Channel.Config), "{}", retain: true)).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await a.PublishAsync(A.Topic(Channel.Commands), RequestStatus(A))).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await a.PublishAsync(A.Topic(Channel.Config), "{}", retain: true)).ReasonCode);
        await Commands.MosquittoAsync("mosquitto_pub", "-h", broker.Host, "-p", Port, "-u", A.Id, "-P", Site.PasswordOf(A.Id), "-q", "1", "-t", B.Topic(Channel.Commands), "-m", RequestStatus(B));

        // The cloud's command comes after the forged ones; B receives it and nothing before it.
        var genuine = Marker("genuine");
        await using (var cloud = await broker.ConnectAsync(Provisioning.Cloud))
        {
            Assert.True(Accepted(await cloud.PublishAsync(B.Topic(Channel.Commands), genuine)));
        }

        await b.WaitForAsync(m => m.Text == genuine, Wait);
        Assert.DoesNotContain(b.Received, m => m.Text.Contains("forged", StringComparison.Ordinal) || m.Text == "{}");
    }

    [Fact]
    public async Task An_agent_cannot_forge_a_stored_watermark_for_itself_or_another_agent_nor_read_another_agents()
    {
        // A forged watermark would make the agent delete records the cloud never stored: only the cloud may publish one.
        var genuineOfB = Marker("watermark of b");
        var genuineOfA = Marker("watermark of a");
        await using (var cloud = await broker.ConnectAsync(Provisioning.Cloud))
        {
            Assert.True(Accepted(await cloud.PublishAsync(B.Topic(Channel.Stored), genuineOfB, retain: true)));
            Assert.True(Accepted(await cloud.PublishAsync(A.Topic(Channel.Stored), genuineOfA, retain: true)));
        }

        await using (var a = await broker.ConnectAsync(A.Id))
        {
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await a.PublishAsync(A.Topic(Channel.Stored), "forged", retain: true)).ReasonCode);
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await a.PublishAsync(B.Topic(Channel.Stored), "forged", retain: true)).ReasonCode);
        }

        await Commands.MosquittoAsync("mosquitto_pub", "-h", broker.Host, "-p", Port, "-u", A.Id, "-P", Site.PasswordOf(A.Id), "-q", "1", "-r", "-t", B.Topic(Channel.Stored), "-m", "forged");
        await Commands.MosquittoAsync("mosquitto_pub", "-h", broker.Host, "-p", Port, "-u", A.Id, "-P", Site.PasswordOf(A.Id), "-q", "1", "-r", "-t", A.Topic(Channel.Stored), "-m", "forged");

        // The retained watermarks are still the cloud's, and A, subscribed to B's first, is given only its own.
        await using var b = await broker.ConnectAsync(B.Id);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await b.SubscribeAsync(B.Topic(Channel.Stored)));
        await b.WaitForAsync(m => m.Text == genuineOfB, Wait);

        await using var reader = await broker.ConnectAsync(A.Id);
        await reader.SubscribeAsync(B.Topic(Channel.Stored));
        await reader.SubscribeAsync("estate/+/+/+/+/stored");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await reader.SubscribeAsync(A.Topic(Channel.Stored)));
        await reader.WaitForAsync(m => m.Text == genuineOfA, Wait);
        Assert.All(reader.Received, m => Assert.Equal(A.Topic(Channel.Stored), m.Topic));
        Assert.DoesNotContain(reader.Received.Concat(b.Received), m => m.Text == "forged");

        // No retained watermark is left for the other probes (a subscription to estate/# would be given it first).
        await using var cloudAgain = await broker.ConnectAsync(Provisioning.Cloud);
        await cloudAgain.PublishAsync(A.Topic(Channel.Stored), [], retain: true);
        await cloudAgain.PublishAsync(B.Topic(Channel.Stored), [], retain: true);
    }

    [Fact]
    public async Task An_agent_receives_its_own_config_and_commands_and_nothing_of_another_agent_even_subscribed_to_everything()
    {
        var configOfA = Marker("config of a");
        await using (var cloud = await broker.ConnectAsync(Provisioning.Cloud))
        {
            Assert.True(Accepted(await cloud.PublishAsync(B.Topic(Channel.Config), Marker("config of b"), retain: true)));
            Assert.True(Accepted(await cloud.PublishAsync(A.Topic(Channel.Config), configOfA, retain: true)));
        }

        await using var a = await broker.ConnectAsync(A.Id);
        await a.SubscribeAsync(B.Topic(Channel.Config));
        await a.SubscribeAsync(B.Topic(Channel.Commands));
        await a.SubscribeAsync("estate/#");
        await a.SubscribeAsync("#");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await a.SubscribeAsync(A.Topic(Channel.Config)));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await a.SubscribeAsync(A.Topic(Channel.Commands)));

        // Retained messages come in subscription order: B's config, had it been let through, would come first.
        await a.WaitForAsync(m => m.Text == configOfA, Wait);
        var commandForA = Marker("command for a");
        await using (var cloud = await broker.ConnectAsync(Provisioning.Cloud))
        {
            await cloud.PublishAsync(B.Topic(Channel.Commands), "command for b");
            await cloud.PublishAsync(B.Topic(Channel.Telemetry), "not the cloud's to send");
            await cloud.PublishAsync(A.Topic(Channel.Commands), commandForA);
        }

        await a.WaitForAsync(m => m.Text == commandForA, Wait);
        Assert.All(a.Received, m => Assert.StartsWith($"estate/v1/{A.Site}/{A.Courtyard}/{A.Id}/", m.Topic, StringComparison.Ordinal));

        // mosquitto_sub as A, B's config first: the first message it is given is A's own.
        var (exit, output) = await Commands.MosquittoAsync("mosquitto_sub", "-h", broker.Host, "-p", Port, "-u", A.Id, "-P", Site.PasswordOf(A.Id), "-t", B.Topic(Channel.Config), "-t", "estate/#", "-t", A.Topic(Channel.Config), "-C", "1", "-v");
        Assert.Equal(0, exit);
        Assert.StartsWith($"{A.Topic(Channel.Config)} {configOfA}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cloud_reads_every_uplink_channel_events_on_its_event_account_and_writes_config_commands_and_watermarks_but_cannot_publish_as_an_agent()
    {
        await using var cloud = await broker.ConnectAsync(Provisioning.Cloud);
        await using var events = await broker.ConnectAsync(Provisioning.CloudEvents);
        foreach (var channel in new[] { Channel.Telemetry, Channel.Events, Channel.Status, Channel.Results })
        {
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await cloud.SubscribeAsync(AgentTopic.Filter(channel)));
        }

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await events.SubscribeAsync(AgentTopic.Filter(Channel.Events)));

        await using var b = await broker.ConnectAsync(B.Id);
        await b.SubscribeAsync(B.Topic(Channel.Config));
        await b.SubscribeAsync(B.Topic(Channel.Commands));
        await b.SubscribeAsync(B.Topic(Channel.Stored));
        var run = Marker("run");
        foreach (var channel in new[] { Channel.Telemetry, Channel.Events, Channel.Status, Channel.Results })
        {
            Assert.True(Accepted(await b.PublishAsync(B.Topic(channel), run, retain: channel == Channel.Status)));
        }

        // Each account gets what its ACL grants: the events go to the event account only.
        await cloud.WaitForCountAsync(m => m.Text == run, 3, Wait);
        await events.WaitForAsync(m => m.Text == run, Wait);
        Assert.DoesNotContain(cloud.Received, m => m.Topic == B.Topic(Channel.Events));

        Assert.True(Accepted(await cloud.PublishAsync(B.Topic(Channel.Config), run, retain: true)));
        Assert.True(Accepted(await cloud.PublishAsync(B.Topic(Channel.Commands), run)));
        Assert.True(Accepted(await cloud.PublishAsync(B.Topic(Channel.Stored), run)));
        await b.WaitForCountAsync(m => m.Text == run, 3, Wait);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await cloud.PublishAsync(B.Topic(Channel.Telemetry), "forged by the cloud")).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await cloud.PublishAsync(B.Topic(Channel.Events), GateForced(B))).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await events.PublishAsync(B.Topic(Channel.Events), GateForced(B))).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await events.PublishAsync(B.Topic(Channel.Commands), run)).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await events.PublishAsync(B.Topic(Channel.Stored), run)).ReasonCode);
    }

    [Fact]
    public async Task An_agent_cannot_take_over_the_clouds_session_by_using_its_client_id()
    {
        await using var cloud = await broker.ConnectAsync(Provisioning.CloudEvents, clientId: "iot-cloud-1-events");
        await cloud.SubscribeAsync(AgentTopic.Filter(Channel.Events));
        await using var a = await broker.ConnectAsync(A.Id, clientId: "iot-cloud-1-events");
        await using var alsoA = await broker.ConnectAsync(A.Id, clientId: Provisioning.CloudEvents);

        var still = Marker("still there?");
        await alsoA.PublishAsync(A.Topic(Channel.Events), still);
        await cloud.WaitForAsync(m => m.Text == still, Wait);
        Assert.True(cloud.Client.IsConnected);
    }

    [Fact]
    public async Task The_health_account_cannot_publish_an_agents_events_or_commands()
    {
        await using var health = await broker.ConnectAsync(Provisioning.Health);
        await using var watcher = await broker.ConnectAsync(Provisioning.CloudEvents);
        await watcher.SubscribeAsync(AgentTopic.Filter(Channel.Events));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await health.PublishAsync(A.Topic(Channel.Events), GateForced(A))).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await health.PublishAsync(A.Topic(Channel.Commands), RequestStatus(A))).ReasonCode);
        var own = Marker("own");
        await using (var a = await broker.ConnectAsync(A.Id))
        {
            await a.PublishAsync(A.Topic(Channel.Events), own);
        }

        await watcher.WaitForAsync(m => m.Text == own, Wait);
        Assert.DoesNotContain(watcher.Received, m => m.Text.Contains("gateForced", StringComparison.Ordinal));
    }

    private string Port => broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The probes on Mosquitto 2.0 running the provisioned files: the reference.</summary>
public sealed class MosquittoAccessTests(ProvisionedMosquitto broker) : BrokerAccessContract(broker), IClassFixture<ProvisionedMosquitto>;

/// <summary>The same probes on the embedded broker given the same provisioned folder.</summary>
public sealed class EmbeddedBrokerAccessTests(ProvisionedEmbedded broker) : BrokerAccessContract(broker), IClassFixture<ProvisionedEmbedded>;
