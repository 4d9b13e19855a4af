using System.Net;
using Iot.Cloud.Ingest;
using Iot.Cloud.Tests.Support;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Ingest;

/// <summary>
/// Ten thousand hostile messages from a real MQTT client, with valid traffic alongside: nothing crashes, every hostile
/// message is dead-lettered with a reason, every valid one is stored.
/// </summary>
public sealed class HostileCorpusTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private const int Hostile = 10_000;
    private const int Valid = 300;

    [Fact]
    public async Task Ten_thousand_hostile_messages_are_each_dead_lettered_with_a_reason_while_valid_traffic_is_stored()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Error" });
        await cloud.WaitReadyAsync();
        await using var attacker = await MqttTestClient.ConnectAsync(broker.Broker.Host, broker.Port, configure: o => o.WithTimeout(Patience.Seconds(30)));
        await using var agent = await TestAgent.ConnectAsync(broker.Port, "yikang-6", "yikang-6-a");

        var corpus = HostileCorpus.Generate(Hostile, "yongchang", "yikang-1", "yikang-1-a").ToList();
        // Up to 32 messages in flight, as a determined attacker (or a broken fleet) would send them.
        var attack = Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (message, _) => await attacker.PublishAsync(message.Topic, message.Payload));
        var now = DateTimeOffset.UtcNow.AddMinutes(-2);
        for (var seq = 1; seq <= Valid; seq++)
        {
            await agent.TelemetryAsync(seq, TestAgent.Current(0.3, now.AddMilliseconds(seq * 10), "lamp-01.current"));
        }

        await attack;

        // Throughput, not a deadline: the wait fails only if ingest stops moving.
        await cloud.WaitProcessedAsync(Hostile + Valid);

        var stats = await cloud.GetAsync<IngestStatsView>("/api/ingest/stats");
        Assert.Equal(Hostile, stats.RejectedSinceStart);
        Assert.Equal(Valid, stats.ReadingsSinceStart);
        Assert.Equal(Hostile, stats.DeadLettersStored);
        var letters = await cloud.GetAsync<List<DeadLetterView>>("/api/ingest/dead-letters?limit=1000");
        Assert.All(letters, l => Assert.False(string.IsNullOrWhiteSpace(l.Reason)));
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
    }
}
