using Iot.Cloud.Sites;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Messages;
using Iot.Protocol.Validation;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Config;

/// <summary>Each agent's desired configuration is published retained from its manifest, and what the agent applied is tracked.</summary>
public sealed class DesiredConfigTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Every_agent_gets_a_retained_valid_config_and_its_applied_or_rejected_hash_is_tracked()
    {
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
        var read = MessageReader.ReadDesiredConfig(yikang1.Payload, DateTimeOffset.UtcNow);
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
        var otherHash = MessageReader.ReadDesiredConfig(another.Payload, DateTimeOffset.UtcNow).Message!.Hash;
        await other.StatusAsync(DateTimeOffset.UtcNow, 1000, rejected: new ConfigRejection(otherHash, ["$.config.devices[0].parts[0].pin: GPIO 5 is stuck"]));
        await cloud.WaitProcessedAsync(2);
        var rejected = await cloud.GetAsync<AgentDetail>($"/api/agents/{anotherTopic.Agent}");
        Assert.Equal("rejected", rejected.Agent.Config);
        Assert.Contains("GPIO 5 is stuck", Assert.Single(rejected.RejectedReasons), StringComparison.Ordinal);
    }
}
