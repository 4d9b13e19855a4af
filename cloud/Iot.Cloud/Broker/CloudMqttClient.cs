using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Cloud.Broker;

/// <summary>What one of the cloud's broker sessions receives.</summary>
/// <param name="Name">For logs and readiness.</param>
/// <param name="Channels">The uplink channels it subscribes to.</param>
public sealed record BrokerSession(string Name, IReadOnlyList<Channel> Channels)
{
    /// <summary>Telemetry, statuses and command results; this session also publishes configurations and commands.</summary>
    public static readonly BrokerSession Main = new("main", [Channel.Telemetry, Channel.Status, Channel.Results]);

    /// <summary>
    /// Device events alone: the broker sends a session at most its receive maximum of unacknowledged messages, so on the
    /// main session an alarm would wait whenever that much telemetry is in flight to the cloud.
    /// </summary>
    public static readonly BrokerSession Events = new("events", [Channel.Events]);
}

/// <summary>
/// One of the cloud's MQTT connections (<see cref="BrokerSession"/>): the main one receives the agents' telemetry,
/// statuses and results into the ingest queue and publishes desired configurations and commands; the event session
/// receives their device events. A background loop connects, subscribes and checks the
/// connection with pings, reconnecting with exponential backoff and jitter (MQTTnet's recommended pattern,
/// not a reconnect from the disconnected event). The session is persistent and messages are acknowledged only
/// after they are stored, so the broker redelivers whatever a crash interrupted. Pings and backoff run on the retry
/// clock (<see cref="Operations.Clocks"/>), so a stopped business clock never stops a reconnect.
/// </summary>
public sealed partial class CloudMqttClient(
    IOptions<BrokerOptions> options,
    BrokerSession session,
    IArrivals arrivals,
    TimeProvider time,
    [FromKeyedServices(Operations.Clocks.Retry)] TimeProvider retryTime,
    ILogger<CloudMqttClient> logger) : BackgroundService
{
    /// <summary>The longest wait between two reconnect attempts, before jitter (up to half as much again).</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>How long one connect (or subscribe) may take before it counts as failed.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The longest a reachable broker can wait for the cloud to come back: the longest backoff with its jitter, then one connect.</summary>
    public static readonly TimeSpan LongestReconnect = (MaxBackoff * 1.5) + ConnectTimeout;

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(2);

    private readonly (IMqttClient Client, GatedClientAdapterFactory Adapters) _mqtt = Create(options);
    private volatile bool _subscribed;

    /// <summary>Raised after every (re)connect, once subscriptions are in place.</summary>
    public event Func<CancellationToken, Task>? Connected;

    /// <summary>Which session this is.</summary>
    public BrokerSession Session => session;

    /// <summary>True while connected to the broker.</summary>
    public bool IsConnected => _mqtt.Client.IsConnected;

    /// <summary>Messages received on the current connection and not yet acknowledged (at most <see cref="BrokerOptions.ReceiveMaximum"/>).</summary>
    public int Held => _mqtt.Adapters.Current.Held;

    /// <summary>
    /// True while connected and the broker has granted every subscription on this connection (for readiness): between
    /// the connection and the subscriptions' acknowledgement, a message an agent publishes reaches no one.
    /// </summary>
    public bool IsSubscribed => _subscribed && _mqtt.Client.IsConnected;

    /// <summary>Publishes with QoS 1; throws when not connected or the broker refuses.</summary>
    public async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        var result = await _mqtt.Client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag(retain)
                .Build(),
            cancellationToken);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"broker refused publish to {topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _mqtt.Client.ApplicationMessageReceivedAsync += OnMessageAsync;
        var backoff = FirstBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A connection whose subscriptions failed is connected and answers pings, but receives nothing: start over.
                // While its gate is closed the connection reads nothing, a ping's answer included: it is alive as long as
                // the acknowledgements that will open the gate can be sent (a failed send disconnects it).
                if (!IsSubscribed || (!_mqtt.Adapters.Current.IsClosed && !await _mqtt.Client.TryPingAsync(stoppingToken)))
                {
                    await ConnectAsync(stoppingToken);
                    backoff = FirstBackoff;
                }

                await Task.Delay(PingInterval, retryTime, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException)
            {
                LogConnectFailed(logger, session.Name, options.Value.Host, options.Value.Port, e.Message, backoff.TotalSeconds);
                var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)(backoff.TotalMilliseconds / 2)));
                await Task.Delay(backoff + jitter, retryTime, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }

        if (_mqtt.Client.IsConnected)
        {
            await _mqtt.Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), CancellationToken.None);
        }
    }

    public override void Dispose()
    {
        _mqtt.Client.Dispose();
        base.Dispose();
    }

    // MQTTnet's client with each connection's reads behind a gate of the receive maximum (ReceiveGate).
    private static (IMqttClient, GatedClientAdapterFactory) Create(IOptions<BrokerOptions> options)
    {
        var adapters = new GatedClientAdapterFactory(() => options.Value.ReceiveMaximum);
        return (new MqttClientFactory().CreateMqttClient(adapters), adapters);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        // Cleared before connecting, and read together with IsConnected: a lost connection is never taken for subscribed.
        _subscribed = false;
        if (_mqtt.Client.IsConnected)
        {
            await _mqtt.Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
        }

        var o = options.Value;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(o.Host, o.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(o.ClientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)TimeSpan.FromDays(1).TotalSeconds)
            .WithKeepAlivePeriod(o.KeepAlive)
            .WithReceiveMaximum((ushort)o.ReceiveMaximum)
            .WithTimeout(ConnectTimeout);
        if (o.Username is not null)
        {
            builder.WithCredentials(o.Username, o.Password);
        }

        if (o.UseTls)
        {
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls();
                if (o.CaFile is { } caFile)
                {
                    var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
                    tls.WithTrustChain([ca]);
                }
            });
        }

        var result = await _mqtt.Client.ConnectAsync(builder.Build(), cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder();
        var shared = o.Mode == BrokerMode.External && o.SharedGroup.Length > 0;
        string FilterOf(Channel channel) => shared ? AgentTopic.SharedFilter(o.SharedGroup, channel) : AgentTopic.Filter(channel);
        foreach (var channel in session.Channels)
        {
            subscribe.WithTopicFilter(f => f.WithTopic(FilterOf(channel)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        }

        // A session kept from before the event session existed still holds the events subscription: drop it, or each
        // event would arrive twice, once behind the telemetry.
        if (result.IsSessionPresent && session == BrokerSession.Main)
        {
            await _mqtt.Client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(FilterOf(Channel.Events)).Build(), cancellationToken);
        }

        var granted = await _mqtt.Client.SubscribeAsync(subscribe.Build(), cancellationToken);
        foreach (var item in granted.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new InvalidOperationException($"broker refused subscription {item.TopicFilter.Topic}: {item.ResultCode}");
            }
        }

        _subscribed = true;
        LogConnected(logger, session.Name, o.Host, o.Port, result.IsSessionPresent, shared);
        if (Connected is { } connected)
        {
            await connected(cancellationToken);
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        // Acknowledged by the processor once stored; until then the broker keeps it for redelivery.
        e.AutoAcknowledge = false;
        var message = e.ApplicationMessage;
        var held = message.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce ? null : new HeldMessage(e, _mqtt.Adapters.Current);
        await arrivals.AcceptAsync(
            new ArrivedMessage(message.Topic, PayloadOf(message.Payload), message.Retain, time.GetUtcNow(), held is null ? _ => ValueTask.CompletedTask : held.AcknowledgeAsync, Operations.Clocks.LatestOf(time)),
            CancellationToken.None);
    }

    // A received message until its acknowledgement: then its connection's gate lets one more in, once, whether or not the
    // acknowledgement could be sent (a connection that is gone holds nothing).
    private sealed class HeldMessage(MqttApplicationMessageReceivedEventArgs received, ReceiveGate gate)
    {
        private int _released;

        public async ValueTask AcknowledgeAsync(CancellationToken cancellationToken)
        {
            try
            {
                await received.AcknowledgeAsync(cancellationToken);
            }
            finally
            {
                if (Interlocked.Exchange(ref _released, 1) == 0)
                {
                    gate.Released();
                }
            }
        }
    }

    // MQTTnet hands each publish's payload in an array of its own (not pooled, not reused: the message keeps it), so a
    // payload that is exactly one whole array is taken as it is. Copying it cost every message an allocation, and an
    // oversized one (a hostile 300 KB) a third large-object-heap array besides MQTTnet's two, each pushing the GC
    // towards a full collection. Anything else (a slice, several segments) is copied as before.
    internal static byte[] PayloadOf(ReadOnlySequence<byte> payload) =>
        payload.IsSingleSegment && System.Runtime.InteropServices.MemoryMarshal.TryGetArray(payload.First, out var whole)
            && whole.Array is { } array && whole.Offset == 0 && whole.Count == array.Length
            ? array
            : payload.ToArray();

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected the {Session} session to MQTT broker {Host}:{Port} (session present: {SessionPresent}, shared subscription: {Shared})")]
    private static partial void LogConnected(ILogger logger, string session, string host, int port, bool sessionPresent, bool shared);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT broker {Host}:{Port} unreachable for the {Session} session: {Reason}; retrying in about {Seconds} s")]
    private static partial void LogConnectFailed(ILogger logger, string session, string host, int port, string reason, double seconds);
}
