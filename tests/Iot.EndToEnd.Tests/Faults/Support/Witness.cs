using System.Collections.Concurrent;
using Iot.Edge.Outbox;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.EndToEnd.Tests.Faults.Support;

/// <summary>One uplink message as the witness saw it: which connection of the witness brought it, and what it said.</summary>
public sealed record Witnessed(int Connection, Channel Channel, IUplinkMessage Message)
{
    /// <summary>
    /// The outbox queue it came from, by the agent's own rule: safety events overtake other events, which overtake
    /// telemetry, so order holds within a queue only.
    /// </summary>
    public OutboxPriority Queue => Message switch
    {
        DeviceEvent e => EventPriority.Of(e.Kind),
        CommandResult => OutboxPriority.Event,
        _ => OutboxPriority.Telemetry,
    };
}

/// <summary>
/// An independent observer of everything the agents hand to the broker: a second subscriber with its own persistent
/// session (QoS 1, never cleaned), reconnecting by itself after broker restarts. With a broker that persists
/// sessions, what it saw is what the broker acknowledged to the agents, which is what the cloud must store.
/// </summary>
public sealed class Witness : IAsyncDisposable
{
    private static readonly Channel[] Watched = [Channel.Telemetry, Channel.Events, Channel.Results, Channel.Status];
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentQueue<Witnessed> _seen = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _host;
    private readonly int _port;
    private readonly string _clientId = $"fault-witness-{Guid.NewGuid():N}";
    private readonly string _barrierTopic;
    private readonly Task _loop;
    private int _connection;
    private int _subscriptions;
    private int _barriersSent;
    private int _barrierSeen;

    private Witness(string host, int port)
    {
        _host = host;
        _port = port;
        _barrierTopic = $"test/{_clientId}/barrier";
        _client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == _barrierTopic)
            {
                Volatile.Write(ref _barrierSeen, int.Parse(e.ApplicationMessage.ConvertPayloadToString(), System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (AgentTopic.TryParse(e.ApplicationMessage.Topic, out var topic, out _) && Parse(topic.Channel, System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload)) is { } message)
            {
                _seen.Enqueue(new Witnessed(_connection, topic.Channel, message));
            }

            return Task.CompletedTask;
        };
        _loop = Task.Run(KeepConnectedAsync);
    }

    /// <summary>Everything seen so far, in arrival order, redeliveries included.</summary>
    public IReadOnlyList<Witnessed> Seen => [.. _seen];

    /// <summary>Data messages (telemetry, events, results): the ones that carry a per-boot seq.</summary>
    public IReadOnlyList<Witnessed> Data => Seen.Where(w => w.Channel != Channel.Status).ToList();

    /// <summary>The newest status of each agent.</summary>
    public IReadOnlyDictionary<string, AgentStatus> LatestStatus =>
        Seen.Where(w => w.Message is AgentStatus).Select(w => (AgentStatus)w.Message)
            .GroupBy(s => s.Agent.Value).ToDictionary(g => g.Key, g => g.Last());

    /// <summary>Whether the witness is connected now.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>How many times the witness has subscribed (once per connection): a broker that lost its sessions is watched again once this grows.</summary>
    public int Subscriptions => Volatile.Read(ref _subscriptions);

    /// <summary>Connects (and keeps reconnecting) to the broker at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static async Task<Witness> StartAsync(string host, int port)
    {
        var witness = new Witness(host, port);
        await Iot.Testing.Services.ServiceProcess.WaitUntilAsync(() => Task.FromResult(witness.IsConnected), TimeSpan.FromSeconds(20), "the witness's MQTT connection");
        return witness;
    }

    /// <summary>
    /// Waits until the witness has taken in everything the broker had queued for it when this was called: it publishes a
    /// marker to itself and waits for it, and the broker delivers one subscriber's messages in the order it queued them.
    /// A witness on a busy machine lags behind the cloud, and what it had not taken in yet would look never sent.
    /// </summary>
    public async Task CatchUpAsync(TimeSpan patience)
    {
        var marker = Interlocked.Increment(ref _barriersSent);
        var published = false;
        await Iot.Testing.Services.ServiceProcess.WaitUntilAsync(
            async () =>
            {
                if (!published && _client.IsConnected)
                {
                    try
                    {
                        await _client.PublishStringAsync(_barrierTopic, marker.ToString(System.Globalization.CultureInfo.InvariantCulture), MqttQualityOfServiceLevel.AtLeastOnce);
                        published = true;
                    }
                    catch (MQTTnet.Exceptions.MqttCommunicationException)
                    {
                        // The broker went away meanwhile; publish again once the witness is back.
                    }
                }

                return Volatile.Read(ref _barrierSeen) >= marker;
            },
            patience,
            "the witness to take in what the broker had queued for it");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        _client.Dispose();
        _stop.Dispose();
    }

    private static IUplinkMessage? Parse(Channel channel, byte[] payload)
    {
        try
        {
            return channel switch
            {
                Channel.Telemetry => ProtocolJson.DeserializeTrusted<TelemetryBatch>(payload),
                Channel.Events => ProtocolJson.DeserializeTrusted<DeviceEvent>(payload),
                Channel.Results => ProtocolJson.DeserializeTrusted<CommandResult>(payload),
                Channel.Status => ProtocolJson.DeserializeTrusted<AgentStatus>(payload),
                _ => null,
            };
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    // A connect loop with a short fixed delay: the witness must be back before the agents are.
    private async Task KeepConnectedAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                try
                {
                    // Numbered before the attempt: what a new connection delivers at once (its stored queue) must not
                    // be counted as the old connection's.
                    Interlocked.Increment(ref _connection);
                    var options = new MqttClientOptionsBuilder()
                        .WithTcpServer(_host, _port)
                        .WithProtocolVersion(MqttProtocolVersion.V500)
                        .WithClientId(_clientId)
                        .WithCleanStart(false)
                        .WithSessionExpiryInterval(3600)
                        .WithReceiveMaximum(65535)
                        .WithTimeout(TimeSpan.FromSeconds(5))
                        .Build();
                    var result = await _client.ConnectAsync(options, _stop.Token);
                    if (result.ResultCode == MqttClientConnectResultCode.Success)
                    {
                        var subscribe = new MqttClientSubscribeOptionsBuilder();
                        foreach (var channel in Watched)
                        {
                            subscribe.WithTopicFilter(f => f.WithTopic(AgentTopic.Filter(channel)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
                        }

                        subscribe.WithTopicFilter(f => f.WithTopic(_barrierTopic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));

                        await _client.SubscribeAsync(subscribe.Build(), _stop.Token);
                        Interlocked.Increment(ref _subscriptions);
                    }
                }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException)
                {
                    // The broker is down or restarting; try again shortly.
                }
            }

            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
