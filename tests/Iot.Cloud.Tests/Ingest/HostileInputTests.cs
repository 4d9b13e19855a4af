using System.Text;
using Iot.Cloud.Ingest;
using Iot.Cloud.Readings;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Ingest;

/// <summary>Malformed and hostile messages go to the dead-letter table with reasons; ingest keeps running.</summary>
public sealed class HostileInputTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Every_bad_message_is_dead_lettered_with_its_reason_and_good_ones_still_flow()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"));
        await cloud.WaitReadyAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        var telemetry = agent.Topic(Iot.Protocol.Topics.Channel.Telemetry);
        var now = DateTimeOffset.UtcNow;
        var head = """ "v": "1.0", "agent": "yikang-1-a", "boot": "b0000000000000001", "seq": 7 """;
        string Reading(string value, string at = "") =>
            $$"""{ {{head}}, "readings": [ { "sensor": "lamp-01.current", "quantity": "current", "unit": "A", "value": {{value}}, "at": "{{(at.Length > 0 ? at : Iot.Protocol.Json.UtcTimestampConverter.ToWire(now.AddMinutes(-1)))}}" } ] }""";

        (string Topic, byte[] Payload, string Reason)[] corpus =
        [
            (telemetry, "not json at all"u8.ToArray(), "not valid JSON"),
            (telemetry, [0xff, 0xfe, 0x00, 0x41], "not valid UTF-8"),
            (telemetry, Encoding.UTF8.GetBytes("{\"v\": \"1.0\"}"), "$.agent: is required"),
            (telemetry, Encoding.UTF8.GetBytes(Reading("\"0.4\"")), "$.readings[0].value: must be a number"),
            (telemetry, Encoding.UTF8.GetBytes(Reading("999")), "outside the physical range of current"),
            (telemetry, Encoding.UTF8.GetBytes(Reading("0.4", "2099-01-01T00:00:00.000Z")), "in the future"),
            (telemetry, Encoding.UTF8.GetBytes(Reading("0.4", "1970-01-01T00:00:00.000Z")), "before 2020"),
            (telemetry, Encoding.UTF8.GetBytes(Reading("0.4").Replace("\"v\": \"1.0\"", "\"v\": \"7.0\"", StringComparison.Ordinal)), "unknown major protocol version 7"),
            (telemetry, Encoding.UTF8.GetBytes(new string('[', 500) + new string(']', 500)), "not valid JSON"),
            (telemetry, new byte[300_000], "at most 262144"),
            ("estate/v1/yongchang/yikang-1/ghost-agent/telemetry", Encoding.UTF8.GetBytes(Reading("0.4").Replace("yikang-1-a", "ghost-agent", StringComparison.Ordinal)), "unknown agent 'ghost-agent'"),
            ("estate/v1/yongchang/yikang-2/yikang-1-a/telemetry", Encoding.UTF8.GetBytes(Reading("0.4")), "belongs to yongchang/yikang-1"),
            ("estate/v1/yongchang/yikang-1/yikang-2-a/telemetry", Encoding.UTF8.GetBytes(Reading("0.4")), "does not match the topic's agent"),
            ("estate/v1/yongchang/yikang-1/yikang-1-a/video", "{}"u8.ToArray(), "unknown channel"),
            ("estate/v9/x/y/z/telemetry", "{}"u8.ToArray(), "unsupported protocol version segment"),
            ("somewhere/else", "{}"u8.ToArray(), "foreign topic"),
        ];

        foreach (var (topic, payload, _) in corpus)
        {
            await agent.RawAsync(topic, payload);
        }

        await agent.TelemetryAsync(8, TestAgent.Current(0.33, now.AddSeconds(-30)));

        // Everything on an estate/v1/.../telemetry topic reaches the cloud; the rest never matches its subscriptions.
        await cloud.WaitProcessedAsync(corpus.Count(c => c.Topic.StartsWith("estate/v1/", StringComparison.Ordinal) && c.Topic.EndsWith("/telemetry", StringComparison.Ordinal)) + 1);
        var letters = await cloud.GetAsync<List<DeadLetterView>>("/api/ingest/dead-letters?limit=100");
        foreach (var (topic, _, reason) in corpus.Where(c => c.Topic.StartsWith("estate/v1/", StringComparison.Ordinal) && !c.Topic.EndsWith("/video", StringComparison.Ordinal)))
        {
            Assert.True(
                letters.Any(l => l.Topic == topic && l.Reason.Contains(reason, StringComparison.Ordinal)),
                $"no dead letter on {topic} with '{reason}'; got: {string.Join(" | ", letters.Select(l => $"{l.Topic}: {l.Reason[..Math.Min(80, l.Reason.Length)]}"))}");
        }

        Assert.All(letters, l => Assert.True(l.Payload.Length <= 4096 * 2 + 8));
        Assert.Contains(letters, l => l.PayloadBytes == 300_000 && l.Truncated);
        Assert.Equal(0.33, Assert.Single(await cloud.GetAsync<List<LatestView>>("/api/courtyards/yikang-1/latest")).Value);
        Assert.True((await cloud.Http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode);
    }
}
