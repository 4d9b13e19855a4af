using Iot.Protocol.Identifiers;
using Iot.Protocol.Topics;

namespace Iot.Protocol.Tests.Topics;

public class AgentTopicTests
{
    private static readonly AgentTopic Sample = new(SiteId.Parse("yongchang"), CourtyardId.Parse("yikang-12"), AgentId.Parse("yikang-12-a"), Channel.Telemetry);

    [Fact]
    public void A_topic_is_root_version_site_courtyard_agent_channel() =>
        Assert.Equal("estate/v1/yongchang/yikang-12/yikang-12-a/telemetry", Sample.ToString());

    [Theory]
    [InlineData(Channel.Telemetry, "telemetry")]
    [InlineData(Channel.Events, "events")]
    [InlineData(Channel.Status, "status")]
    [InlineData(Channel.Config, "config")]
    [InlineData(Channel.Commands, "commands")]
    [InlineData(Channel.Results, "results")]
    public void Every_channel_round_trips(Channel channel, string segment)
    {
        var topic = Sample with { Channel = channel };
        Assert.EndsWith("/" + segment, topic.ToString(), StringComparison.Ordinal);
        Assert.True(AgentTopic.TryParse(topic.ToString(), out var parsed, out var problem), problem);
        Assert.Equal(topic, parsed);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("homeassistant/sensor/x/state", "foreign topic")]
    [InlineData("estate/v2/yongchang/yikang-12/yikang-12-a/telemetry", "unsupported protocol version segment 'v2'")]
    [InlineData("estate/v1/yongchang/yikang-12/telemetry", "5 segments")]
    [InlineData("estate/v1/yongchang/yikang-12/yikang-12-a/telemetry/extra", "7 segments")]
    [InlineData("estate/v1/YongChang/yikang-12/yikang-12-a/telemetry", "topic: site id")]
    [InlineData("estate/v1/yongchang//yikang-12-a/telemetry", "courtyard id is empty")]
    [InlineData("estate/v1/yongchang/yikang-12/yikang-12-a/video", "unknown channel 'video'")]
    [InlineData("estate/v1/yongchang/yikang-12/+/telemetry", "'+' at position 0")]
    [InlineData("estate", "no version segment")]
    public void Foreign_and_malformed_topics_give_a_reason(string topic, string reason)
    {
        Assert.False(AgentTopic.TryParse(topic, out _, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Filters_match_every_agent_of_a_channel()
    {
        Assert.Equal("estate/v1/+/+/+/events", AgentTopic.Filter(Channel.Events));
        Assert.Equal("estate/v1/yongchang/+/+/status", AgentTopic.Filter(Channel.Status, SiteId.Parse("yongchang")));
        Assert.Equal("$share/cloud/estate/v1/+/+/+/telemetry", AgentTopic.SharedFilter("cloud", Channel.Telemetry));
    }

    [Fact]
    public void An_agents_prefix_is_the_subtree_its_account_may_use() =>
        Assert.Equal("estate/v1/yongchang/yikang-12/yikang-12-a", AgentTopic.AgentPrefix(Sample.Site, Sample.Courtyard, Sample.Agent));
}
