using Iot.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Bench.Hostile;

/// <summary>
/// Real MQTT clients publishing the hostile corpus with QoS 1, a few messages in flight each, as fast as the broker takes
/// them. The broker reads its connections in turn, so one connection among fifty valid ones gets a fiftieth of its time:
/// to meet the valid load with a comparable stream, the corpus is split over as many connections as there are agents.
/// </summary>
public static class HostileSender
{
    public static async Task<int> SendAsync(List<HostileMessage> corpus, int port, int clients, int inFlightPerClient, CancellationToken cancellationToken)
    {
        var connected = new List<IMqttClient>();
        try
        {
            for (var i = 0; i < clients; i++)
            {
                var client = new MqttClientFactory().CreateMqttClient();
                connected.Add(client);
                var result = await client.ConnectAsync(
                    new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500)
                        .WithClientId($"bench-hostile-{i}-{Guid.NewGuid():N}"[..36]).WithTimeout(TimeSpan.FromSeconds(30)).Build(),
                    cancellationToken);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    throw new InvalidOperationException($"hostile publisher refused: {result.ResultCode}");
                }
            }

            var sent = await Task.WhenAll(connected.Select((client, i) => SendShareAsync(client, corpus.Where((_, n) => n % clients == i).ToList(), inFlightPerClient, cancellationToken)));
            return sent.Sum();
        }
        finally
        {
            foreach (var client in connected)
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(cancellationToken: CancellationToken.None);
                }

                client.Dispose();
            }
        }
    }

    private static async Task<int> SendShareAsync(IMqttClient client, List<HostileMessage> share, int inFlight, CancellationToken cancellationToken)
    {
        using var window = new SemaphoreSlim(inFlight);
        var sent = 0;
        var pending = new List<Task>(share.Count);
        foreach (var message in share)
        {
            await window.WaitAsync(cancellationToken);
            pending.Add(PublishAsync(message));
        }

        await Task.WhenAll(pending);
        return sent;

        async Task PublishAsync(HostileMessage message)
        {
            try
            {
                var result = await client.PublishAsync(
                    new MqttApplicationMessageBuilder().WithTopic(message.Topic).WithPayload(message.Payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                    cancellationToken);
                if (result.IsSuccess)
                {
                    Interlocked.Increment(ref sent);
                }
            }
            finally
            {
                window.Release();
            }
        }
    }
}
