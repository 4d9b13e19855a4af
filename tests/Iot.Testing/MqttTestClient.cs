using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Testing;

/// <summary>A message as a test saw it arrive.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Payload">The payload bytes.</param>
/// <param name="Retained">Whether the broker delivered it as a retained message.</param>
public sealed record ReceivedMessage(string Topic, byte[] Payload, bool Retained)
{
    /// <summary>The payload as UTF-8 text.</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Payload);
}

/// <summary>
/// A real MQTT 5 client for tests: connects (reporting refusals instead of throwing), subscribes, records every
/// message it receives, and waits for one by condition rather than by time.
/// </summary>
public sealed class MqttTestClient : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ConcurrentQueue<ReceivedMessage> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private MqttTestClient(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _received.Enqueue(new ReceivedMessage(e.ApplicationMessage.Topic, System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), e.ApplicationMessage.Retain));
            _arrived.Release();
            return Task.CompletedTask;
        };
    }

    /// <summary>Every message received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedMessage> Received => [.. _received];

    /// <summary>The underlying MQTTnet client.</summary>
    public IMqttClient Client => _client;

    /// <summary>Connects; throws with the broker's reason code when the connection is refused.</summary>
    public static async Task<MqttTestClient> ConnectAsync(string host, int port, string? user = null, string? password = null, string? clientId = null, Action<MqttClientOptionsBuilder>? configure = null)
    {
        var (client, result) = await TryConnectAsync(host, port, user, password, clientId, configure);
        return result.ResultCode == MqttClientConnectResultCode.Success
            ? client
            : throw new InvalidOperationException($"MQTT connect refused: {result.ResultCode} {result.ReasonString}");
    }

    /// <summary>Connects and returns the broker's answer, refusals included.</summary>
    public static async Task<(MqttTestClient Client, MqttClientConnectResult Result)> TryConnectAsync(string host, int port, string? user = null, string? password = null, string? clientId = null, Action<MqttClientOptionsBuilder>? configure = null)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId ?? $"test-{Guid.NewGuid():N}")
            .WithTimeout(Patience.Seconds(30)); // a connect or subscribe on a loaded machine (load average 30) took more than 10 s
        if (user is not null)
        {
            builder.WithCredentials(user, password);
        }

        configure?.Invoke(builder);
        var client = new MqttTestClient(new MqttClientFactory().CreateMqttClient());
        // MQTTnet 5 reports a refused connection in the result rather than by throwing.
        var result = await client._client.ConnectAsync(builder.Build());
        return (client, result);
    }

    /// <summary>Subscribes to <paramref name="filter"/> with QoS 1 and returns the granted reason code.</summary>
    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter)
    {
        var result = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build());
        return result.Items.Single().ResultCode;
    }

    /// <summary>Publishes with QoS 1 and returns the broker's acknowledgement.</summary>
    public Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload, bool retain = false) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build());

    /// <summary>Publishes text with QoS 1.</summary>
    public Task<MqttClientPublishResult> PublishAsync(string topic, string payload, bool retain = false) =>
        PublishAsync(topic, System.Text.Encoding.UTF8.GetBytes(payload), retain);

    /// <summary>Waits until a message matching <paramref name="match"/> has arrived, and returns it.</summary>
    public async Task<ReceivedMessage> WaitForAsync(Func<ReceivedMessage, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (_received.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no matching message within {(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds} s; received {_received.Count}, the last: {string.Join(", ", _received.TakeLast(10).Select(m => m.Topic))}");
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> messages matching <paramref name="match"/> have arrived.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> WaitForCountAsync(Func<ReceivedMessage, bool> match, int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = _received.Where(match).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{found.Count} of {count} matching messages arrived in time");
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync();
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // The broker may already be gone; nothing to clean up.
            }
        }

        _client.Dispose();
        _arrived.Dispose();
    }
}
