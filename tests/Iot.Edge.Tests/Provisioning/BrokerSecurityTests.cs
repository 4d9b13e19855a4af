using Iot.Edge.Provisioning;
using Iot.Protocol.Topics;
using Iot.Testing;
using MQTTnet;
using MQTTnet.Exceptions;

namespace Iot.Edge.Tests.Provisioning;

/// <summary>The broker security that provisioning generates, on a real Mosquitto 2.0 running exactly those files.</summary>
public sealed class BrokerSecurityTests(ProvisionedBroker fixture) : IClassFixture<ProvisionedBroker>
{
    private static readonly TimeSpan Wait = Patience.Seconds(30);

    private readonly (string Agent, string Courtyard) _a = Pick(fixture, 0);
    private readonly (string Agent, string Courtyard) _b = Pick(fixture, 1);

    private static (string, string) Pick(ProvisionedBroker fixture, int index)
    {
        var (courtyard, agent) = fixture.Site.Agents.ElementAt(index);
        return (agent.Id.Value, courtyard.Id.Value);
    }

    private static bool Accepted(MqttClientPublishResult result) =>
        result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;

    private string Topic((string Agent, string Courtyard) agent, string channel) => $"estate/v1/{fixture.Site.Manifest.Id}/{agent.Courtyard}/{agent.Agent}/{channel}";

    [Fact]
    public async Task Anonymous_clients_are_refused()
    {
        var (client, result) = await MqttTestClient.TryConnectAsync(fixture.Broker.Host, fixture.Broker.Port);
        await using var _ = client;
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_so_is_another_agents_password()
    {
        var (wrong, result) = await MqttTestClient.TryConnectAsync(fixture.Broker.Host, fixture.Broker.Port, _a.Agent, "not-the-password");
        await using var _ = wrong;
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);

        var (borrowed, borrowedResult) = await MqttTestClient.TryConnectAsync(fixture.Broker.Host, fixture.Broker.Port, _a.Agent, fixture.Accounts.PasswordOf(_b.Agent));
        await using var __ = borrowed;
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, borrowedResult.ResultCode);
    }

    [Fact]
    public async Task An_agent_cannot_publish_as_another_agent_but_publishes_under_its_own_subtree()
    {
        await using var cloud = await fixture.ConnectAsync(BrokerAccounts.Cloud(1));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await cloud.SubscribeAsync(AgentTopic.SharedFilter("cloud", Channel.Telemetry)));
        await using var a = await fixture.ConnectAsync(_a.Agent);

        var forged = await a.PublishAsync(Topic(_b, "telemetry"), "forged");
        var forgedStatus = await a.PublishAsync(Topic(_b, "status"), "forged", retain: true);
        var own = await a.PublishAsync(Topic(_a, "telemetry"), "own");

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forgedStatus.ReasonCode);
        Assert.True(Accepted(own));
        // The broker forwards in order: once A's own message is in, a forged one would have been too.
        await cloud.WaitForAsync(m => m.Topic == Topic(_a, "telemetry"), Wait);
        Assert.DoesNotContain(cloud.Received, m => m.Topic.Contains(_b.Agent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_agent_cannot_publish_config_or_commands_even_to_itself()
    {
        await using var a = await fixture.ConnectAsync(_a.Agent);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await a.PublishAsync(Topic(_a, "config"), "{}", retain: true)).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await a.PublishAsync(Topic(_b, "commands"), "{}")).ReasonCode);
    }

    [Fact]
    public async Task An_agent_reads_its_own_config_and_commands_but_not_another_agents()
    {
        await using (var cloud = await fixture.ConnectAsync(BrokerAccounts.Cloud(1)))
        {
            Assert.True(Accepted(await cloud.PublishAsync(Topic(_b, "config"), "config of b", retain: true)));
            Assert.True(Accepted(await cloud.PublishAsync(Topic(_a, "config"), "config of a", retain: true)));
        }

        await using var a = await fixture.ConnectAsync(_a.Agent);
        // Mosquitto 2.0 grants any subscription and applies the ACL to every message it would deliver.
        await a.SubscribeAsync(Topic(_b, "config"));
        await a.SubscribeAsync(Topic(_b, "commands"));
        await a.SubscribeAsync("estate/#");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await a.SubscribeAsync(Topic(_a, "config")));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await a.SubscribeAsync(Topic(_a, "commands")));

        // Retained messages are delivered in subscription order: B's config, had it been allowed, would come first.
        await a.WaitForAsync(m => m.Topic == Topic(_a, "config") && m.Text == "config of a", Wait);
        await using (var cloud = await fixture.ConnectAsync(BrokerAccounts.Cloud(1)))
        {
            await cloud.PublishAsync(Topic(_b, "commands"), "command for b");
            await cloud.PublishAsync(Topic(_a, "commands"), "command for a");
        }

        await a.WaitForAsync(m => m.Topic == Topic(_a, "commands"), Wait);
        Assert.DoesNotContain(a.Received, m => m.Topic.Contains(_b.Agent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_cloud_receives_every_uplink_channel_through_a_shared_subscription_events_on_its_event_account_and_cannot_publish_as_an_agent()
    {
        await using var cloud = await fixture.ConnectAsync(BrokerAccounts.Cloud(2));
        await using var events = await fixture.ConnectAsync(BrokerAccounts.CloudEvents(2));
        foreach (var channel in new[] { Channel.Telemetry, Channel.Status, Channel.Results })
        {
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await cloud.SubscribeAsync(AgentTopic.SharedFilter("cloud-two", channel)));
        }

        // Mosquitto grants what the ACL will not deliver; in the same share group it could hand an event to this member and
        // drop it, so here it is a group of its own.
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await cloud.SubscribeAsync(AgentTopic.SharedFilter("cloud-main-only", Channel.Events)));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await events.SubscribeAsync(AgentTopic.SharedFilter("cloud-two", Channel.Events)));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await events.SubscribeAsync(AgentTopic.SharedFilter("cloud-two", Channel.Telemetry)));

        await using var b = await fixture.ConnectAsync(_b.Agent);
        foreach (var channel in new[] { "telemetry", "events", "status", "results" })
        {
            Assert.True(Accepted(await b.PublishAsync(Topic(_b, channel), channel)));
        }

        // Each account gets what its ACL grants, whatever it subscribed to: events on the event account only.
        await cloud.WaitForCountAsync(m => m.Topic.StartsWith(Topic(_b, string.Empty), StringComparison.Ordinal), 3, Wait);
        await events.WaitForAsync(m => m.Topic == Topic(_b, "events"), Wait);
        Assert.DoesNotContain(cloud.Received, m => m.Topic == Topic(_b, "events"));
        Assert.DoesNotContain(events.Received, m => m.Topic == Topic(_b, "telemetry"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await cloud.PublishAsync(Topic(_b, "telemetry"), "forged by the cloud")).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await events.PublishAsync(Topic(_b, "commands"), "a command from the event account")).ReasonCode);
    }

    [Fact]
    public async Task An_agent_cannot_take_over_the_clouds_session_by_using_its_client_id()
    {
        await using var cloud = await fixture.ConnectAsync(BrokerAccounts.CloudEvents(1), clientId: "iot-cloud-1");
        await cloud.SubscribeAsync(AgentTopic.SharedFilter("cloud", Channel.Events));
        await using var a = await fixture.ConnectAsync(_a.Agent, clientId: "iot-cloud-1");

        await a.PublishAsync(Topic(_a, "events"), "still there?");
        await cloud.WaitForAsync(m => m.Topic == Topic(_a, "events"), Wait);
        Assert.True(cloud.Client.IsConnected);
    }

    [Fact]
    public async Task Tls_with_the_provisioned_ca_connects_and_tls_pinned_to_another_ca_fails()
    {
        var (trusted, result) = await fixture.ConnectOverTlsAsync(_a.Agent, fixture.Layout.CaCert);
        await using (trusted)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            Assert.True(Accepted(await trusted.PublishAsync(Topic(_a, "telemetry"), "over tls")));
        }

        await Assert.ThrowsAnyAsync<MqttCommunicationException>(() => fixture.ConnectOverTlsAsync(_a.Agent, fixture.StrangerCa));
    }

    [Fact]
    public async Task The_health_account_reads_the_broker_uptime_and_nothing_else()
    {
        await using var health = await fixture.ConnectAsync(BrokerAccounts.Health);
        await health.SubscribeAsync(AgentTopic.Filter(Channel.Telemetry));
        await using (var a = await fixture.ConnectAsync(_a.Agent))
        {
            Assert.True(Accepted(await a.PublishAsync(Topic(_a, "telemetry"), "not for the health check")));
        }

        // $SYS topics are retained: the uptime arrives on subscribing, after anything routed before it.
        await health.SubscribeAsync("$SYS/broker/uptime");
        await health.WaitForAsync(m => m.Topic == "$SYS/broker/uptime", Wait);
        Assert.DoesNotContain(health.Received, m => m.Topic.StartsWith("estate/", StringComparison.Ordinal));
    }
}
