using Iot.Cloud.Config;
using Iot.Cloud.Signing;
using Iot.Cloud.Sites;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Messages;
using Iot.Protocol.Signing;
using Iot.Protocol.Validation;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Config;

/// <summary>Each agent's desired configuration is published retained from its manifest, and what the agent applied is tracked.</summary>
public sealed class DesiredConfigTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Every_agent_gets_a_retained_signed_config_and_its_applied_or_rejected_hash_is_tracked()
    {
        await broker.ResetAsync();
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"));
        await cloud.WaitReadyAsync();

        // Publishing may still be under way when the cloud is ready: first see all 115 arrive, live or retained...
        await using (var first = await MqttTestClient.ConnectAsync(broker.Broker.Host, broker.Port))
        {
            await first.SubscribeAsync("estate/v1/+/+/+/config");
            await CloudHost.WaitUntilAsync(() => Task.FromResult(first.Received.Select(m => m.Topic).Distinct().Count() == 115), "115 configs published");
        }

        // ...then a subscriber arriving later still receives every config: they are retained.
        await using var listener = await MqttTestClient.ConnectAsync(broker.Broker.Host, broker.Port);
        await listener.SubscribeAsync("estate/v1/+/+/+/config");
        var configs = await listener.WaitForCountAsync(m => m.Retained, 115, Patience.Of(CloudHost.DefaultWait));
        var yikang1 = configs.Single(m => m.Topic == "estate/v1/yongchang/yikang-1/yikang-1-a/config");

        // Each is signed with the cloud's key, whose public half the cloud wrote for agents' bundles.
        using var trusted = TrustedKeys.FromPem([await File.ReadAllTextAsync(cloud.Get<CloudSigner>().PublicKeyFile)]);
        Assert.All(configs, m => Assert.True(SignedMessage.Open(m.Payload, trusted, SignedPurpose.Config).IsTrusted, m.Topic));
        var read = MessageReader.ReadDesiredConfig(SignedMessage.Open(yikang1.Payload, trusted, SignedPurpose.Config).Payload, DateTimeOffset.UtcNow);
        Assert.True(read.IsValid, read.Summary);
        Assert.Equal("yikang-1-a", read.Message!.Config.Id.Value);

        var detail = await cloud.GetAsync<AgentDetail>("/api/agents/yikang-1-a");
        Assert.Equal(read.Message.Hash, detail.DesiredHash);
        Assert.Equal(read.Message.Hash, detail.PublishedHash);
        Assert.Equal("pending", detail.Agent.Config);

        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await agent.StatusAsync(DateTimeOffset.UtcNow, 1000, configHash: read.Message.Hash);
        await cloud.WaitProcessedAsync(1);
        Assert.Equal("inSync", (await cloud.GetAsync<AgentDetail>("/api/agents/yikang-1-a")).Agent.Config);

        var another = configs.First(m => m != yikang1);
        var anotherTopic = Iot.Protocol.Topics.AgentTopic.Parse(another.Topic);
        await using var other = await TestAgent.ConnectAsync(broker.Port, anotherTopic.Courtyard.Value, anotherTopic.Agent.Value);
        var otherHash = MessageReader.ReadDesiredConfig(SignedMessage.Open(another.Payload, trusted, SignedPurpose.Config).Payload, DateTimeOffset.UtcNow).Message!.Hash;
        await other.StatusAsync(DateTimeOffset.UtcNow, 1000, rejected: new ConfigRejection(otherHash, ["$.config.devices[0].parts[0].pin: GPIO 5 is stuck"]));
        await cloud.WaitProcessedAsync(2);
        var rejected = await cloud.GetAsync<AgentDetail>($"/api/agents/{anotherTopic.Agent}");
        Assert.Equal("rejected", rejected.Agent.Config);
        Assert.Contains("GPIO 5 is stuck", Assert.Single(rejected.RejectedReasons), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_retained_config_is_overwritten_with_the_signed_one_once_the_agent_reports_refusing_it()
    {
        await broker.ResetAsync();
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"));
        await cloud.WaitReadyAsync();
        using var trusted = TrustedKeys.FromPem([await File.ReadAllTextAsync(cloud.Get<CloudSigner>().PublicKeyFile)]);
        const string Topic = "estate/v1/yongchang/yikang-1/yikang-1-a/config";
        await using var attacker = await MqttTestClient.ConnectAsync(broker.Broker.Host, broker.Port);
        await CloudHost.WaitUntilAsync(async () => (await cloud.GetAsync<AgentDetail>("/api/agents/yikang-1-a")).PublishedHash is not null, "the desired config published");

        // Someone with the broker's ear replaces the retained config; the agent refuses it and says so in its status.
        var forged = System.Text.Encoding.UTF8.GetBytes("""{"v":"1.1","agent":"yikang-1-a","hash":"forged","issuedAt":"2026-12-05T00:00:00Z","config":{}}""");
        await attacker.PublishAsync(Topic, forged, retain: true);
        var desired = (await cloud.GetAsync<AgentDetail>("/api/agents/yikang-1-a")).DesiredHash;
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await agent.StatusAsync(DateTimeOffset.UtcNow, 1000, configHash: desired, rejected: new ConfigRejection("forged", ["refused: unsigned"]));

        // Within a drift check (10 s) the broker holds the cloud's signed config again.
        await CloudHost.WaitUntilAsync(async () =>
        {
            await using var look = await MqttTestClient.ConnectAsync(broker.Broker.Host, broker.Port);
            await look.SubscribeAsync(Topic);
            var retained = await look.WaitForAsync(m => m.Retained, Patience.Seconds(10));
            return SignedMessage.Open(retained.Payload, trusted, SignedPurpose.Config).IsTrusted;
        }, "the signed config retained again", Patience.Of(DesiredConfigPublisher.DriftCheck * 4));
    }
}
