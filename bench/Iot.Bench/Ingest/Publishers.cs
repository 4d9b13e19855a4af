using System.Diagnostics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Bench.Ingest;

/// <summary>One MQTT client per agent, each publishing its stream with QoS 1 and a few messages in flight, as agents replaying an outbox do.</summary>
public static class Publishers
{
    public static async Task<TimeSpan> PublishAsync(TelemetryLoad load, int port, int inFlightPerAgent, CancellationToken cancellationToken)
    {
        var clients = new List<IMqttClient>();
        try
        {
            foreach (var stream in load.Agents)
            {
                var client = new MqttClientFactory().CreateMqttClient();
                var result = await client.ConnectAsync(
                    new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500)
                        .WithClientId($"bench-{stream.Agent}-{Guid.NewGuid():N}"[..40]).WithTimeout(TimeSpan.FromSeconds(30)).Build(),
                    cancellationToken);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    throw new InvalidOperationException($"publisher refused: {result.ResultCode}");
                }

                clients.Add(client);
            }

            var started = Stopwatch.StartNew();
            await Task.WhenAll(load.Agents.Select((stream, i) => PublishStreamAsync(clients[i], stream, inFlightPerAgent, cancellationToken)));
            return started.Elapsed;
        }
        finally
        {
            foreach (var client in clients)
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(cancellationToken: CancellationToken.None);
                }

                client.Dispose();
            }
        }
    }

    private static async Task PublishStreamAsync(IMqttClient client, AgentTraffic stream, int inFlight, CancellationToken cancellationToken)
    {
        using var window = new SemaphoreSlim(inFlight);
        var pending = new List<Task>();
        foreach (var payload in stream.Payloads)
        {
            await window.WaitAsync(cancellationToken);
            pending.Add(PublishOneAsync(client, stream.Topic, payload, window, cancellationToken));
        }

        await Task.WhenAll(pending);
    }

    private static async Task PublishOneAsync(IMqttClient client, string topic, byte[] payload, SemaphoreSlim window, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                cancellationToken);
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"publish refused: {result.ReasonCode}");
            }
        }
        finally
        {
            window.Release();
        }
    }
}
