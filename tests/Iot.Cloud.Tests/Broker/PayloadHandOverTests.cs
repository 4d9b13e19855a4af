using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Iot.Cloud.Broker;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Broker;

/// <summary>
/// The cloud's MQTT client hands a payload on without copying it when MQTTnet gave it an array of its own
/// (<c>CloudMqttClient.PayloadOf</c>). Ingest holds that array long after the receive handler returned, so MQTTnet must
/// never reuse it: checked here through a real broker, with payloads large and small arriving after the ones held.
/// </summary>
public sealed class PayloadHandOverTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task A_payload_taken_without_a_copy_keeps_its_bytes_while_later_messages_arrive()
    {
        var sent = new List<byte[]>();
        for (var i = 0; i < 40; i++)
        {
            // Sizes from a few bytes to past the large object heap's threshold, each filled with its own pattern.
            var payload = new byte[i % 10 == 9 ? 300_000 + i : 10 + (i * 97)];
            Array.Fill(payload, (byte)(i + 1));
            sent.Add(payload);
        }

        var held = new ConcurrentQueue<(byte[] Payload, bool Whole)>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port);
        receiver.Client.ApplicationMessageReceivedAsync += e =>
        {
            var payload = e.ApplicationMessage.Payload;
            var taken = CloudMqttClient.PayloadOf(payload);
            held.Enqueue((taken, MemoryMarshal.TryGetArray(payload.First, out var segment) && ReferenceEquals(segment.Array, taken)));
            if (held.Count == sent.Count)
            {
                all.TrySetResult();
            }

            return Task.CompletedTask;
        };
        var topic = $"hand-over/{Guid.NewGuid():N}";
        Assert.Equal(MQTTnet.MqttClientSubscribeResultCode.GrantedQoS1, await receiver.SubscribeAsync(topic));

        await using var sender = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port);
        foreach (var payload in sent)
        {
            await sender.PublishAsync(topic, payload);
        }

        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var arrived = held.ToArray();
        Assert.Equal(sent.Count, arrived.Length);

        // The handover took MQTTnet's arrays as they are (the point of it), and none of them was written over since.
        Assert.All(arrived, a => Assert.True(a.Whole, "MQTTnet no longer hands each payload in an array of its own: PayloadOf copies again"));
        Assert.Equal(sent.Count, arrived.Select(a => a.Payload).Distinct(ReferenceEqualityComparer.Instance).Count());
        for (var i = 0; i < sent.Count; i++)
        {
            Assert.Equal(sent[i], arrived[i].Payload);
        }
    }

    [Fact]
    public void A_payload_in_a_slice_or_in_several_segments_is_copied()
    {
        var array = new byte[] { 1, 2, 3, 4, 5 };
        var slice = CloudMqttClient.PayloadOf(new ReadOnlySequence<byte>(array, 1, 3));
        Assert.Equal(new byte[] { 2, 3, 4 }, slice);
        array[2] = 99;
        Assert.Equal(3, slice[1]);

        Assert.Same(array, CloudMqttClient.PayloadOf(new ReadOnlySequence<byte>(array)));
    }
}
