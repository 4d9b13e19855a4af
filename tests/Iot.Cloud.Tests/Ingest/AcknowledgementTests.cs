using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Ingest;

/// <summary>
/// A broker restart between storing a batch and acknowledging it: the acknowledgement cannot be sent (the connection
/// is gone, or MQTTnet says the message was acknowledged already). Found by the broker-restart fault test: the batch
/// used to fail and be retried forever, every retry failing on the same acknowledgement, and ingest stopped for good.
/// </summary>
public sealed class AcknowledgementTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task A_stored_batch_whose_acknowledgement_fails_completes_and_its_redelivery_is_dropped_as_a_duplicate()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"));
        await cloud.WaitReadyAsync();
        var batch = cloud.Get<IngestBatch>();
        var stats = cloud.Get<IngestStats>();
        var topic = new AgentTopic(SiteId.Parse("yongchang"), CourtyardId.Parse("yikang-1"), AgentId.Parse("yikang-1-a"), Channel.Telemetry).ToString();
        var payload = ProtocolJson.Serialize(new TelemetryBatch(ProtocolVersion.Current, AgentId.Parse("yikang-1-a"), BootId.Parse("b00000000000000a1"), 1,
            [new Reading(SensorId.Parse("lamp-01.current"), Quantity.Current, 0.4, At: DateTimeOffset.UtcNow.AddMinutes(-1))]));
        IncomingMessage Arrived(Func<CancellationToken, ValueTask> ack) => new(topic, payload, false, DateTimeOffset.UtcNow, ack);

        var acks = 0;
        await using (var scope = cloud.Services.CreateAsyncScope())
        {
            await batch.HandleAsync(
                [Arrived(_ => throw new InvalidOperationException("The application message is already acknowledged."))],
                scope.ServiceProvider.GetRequiredService<CloudDb>(), CancellationToken.None);
        }

        await using (var scope = cloud.Services.CreateAsyncScope())
        {
            // The broker redelivers it on the next connection; this time the acknowledgement goes through.
            await batch.HandleAsync([Arrived(_ => { acks++; return ValueTask.CompletedTask; })], scope.ServiceProvider.GetRequiredService<CloudDb>(), CancellationToken.None);
        }

        Assert.Equal(1, acks);
        Assert.Equal(1, stats.Duplicates);
        Assert.Equal(1, stats.Readings);
    }
}
