using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Iot.Edge.Agent;
using Iot.Edge.Outbox;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Inbox = System.Threading.Channels.Channel;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Edge.Uplink;

/// <summary>
/// One agent's MQTT 5 link: a connect loop with backoff, a sender that drains the outbox (urgent queues at
/// once, telemetry paced) and deletes records only after their PUBACK, retained presence (birth, Last Will,
/// clean offline), and the inbound config and commands handed to the runtime off the client's receive path.
/// On each connection the birth goes out before any record, so the cloud learns of a backlog before it arrives.
/// </summary>
public sealed partial class AgentUplink : IAsyncDisposable
{
    private readonly AgentRuntime _agent;
    private readonly MqttOptions _options;
    private readonly OutboxOptions _outbox;
    private readonly TimeSpan _statusInterval;
    // Long enough for a busy Pi (or a fleet saying goodbye at once) to get its PUBACK, well inside systemd's
    // TimeoutStopSec=30; past it the broker publishes the Last Will instead, which is still the truth.
    private static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(10);
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IMqttClient _client;
    private readonly System.Threading.Channels.Channel<MqttApplicationMessage> _inbound =
        Inbox.CreateBounded<MqttApplicationMessage>(new System.Threading.Channels.BoundedChannelOptions(64) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest });
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly X509Certificate2? _ca;
    // Packets already started are never cancelled by the stop: a write cut off mid-packet leaves the broker a malformed
    // packet, it drops the connection, and the goodbye cannot go out (the Last Will says "connection lost" instead).
    // They end by themselves within the client's timeout; the loops look at the stop between packets.
    private static readonly CancellationToken Unstoppable = CancellationToken.None;
    private long _statusSeq;
    private int _connectFailures;
    private volatile bool _statusDue;
    private volatile bool _born;
    private volatile bool _rewindDue;

    // When the cloud's watermark last moved (or nothing waited for it), and how long a wait counts as a stall now.
    // Both are read and written by the send and inbound loops: whole longs, through Interlocked.
    private long _lastProgress;
    private long _stallTicks;
    private string _floorsReported = string.Empty;

    /// <summary>Creates the link; nothing connects until <see cref="RunAsync"/>.</summary>
    /// <param name="agent">The agent whose outbox and status go up.</param>
    /// <param name="options">The broker and the session.</param>
    /// <param name="outbox">Window and telemetry pace.</param>
    /// <param name="statusInterval">How often a status goes out besides birth and changes.</param>
    /// <param name="logger">Where connections and failures are logged.</param>
    /// <param name="time">The clock that paces telemetry and periodic status (the system's unless a test drives it).</param>
    public AgentUplink(AgentRuntime agent, MqttOptions options, OutboxOptions outbox, TimeSpan statusInterval, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(options);
        _agent = agent;
        _options = options;
        _outbox = outbox;
        _statusInterval = statusInterval;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _lastProgress = _time.GetTimestamp();
        _stallTicks = TimeSpan.FromSeconds(outbox.StallSeconds).Ticks;
        _ca = options.CaFile is { } file ? X509CertificateLoader.LoadCertificateFromFile(file) : null;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _inbound.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += _ =>
        {
            _born = false;
            Wake(); // the loops notice at once; reconnecting is theirs, not this event's
            return Task.CompletedTask;
        };
        agent.StatusChanged += () =>
        {
            _statusDue = true;
            Wake();
        };
    }

    /// <summary>Whether the link is up.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Connection attempts that failed since start (refused, unreachable, TLS not trusted).</summary>
    public int ConnectFailures => _connectFailures;

    private string Name => _agent.Identity.Agent.Value;

    /// <summary>Runs until cancelled, then says goodbye (retained offline status) and disconnects cleanly.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var loops = new[] { ConnectLoopAsync(stoppingToken), SendLoopAsync(stoppingToken), InboundLoopAsync(stoppingToken) };
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        await GoodbyeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await GoodbyeAsync().ConfigureAwait(false);
        }

        _client.Dispose();
        _wake.Dispose();
        _ca?.Dispose();
    }

    private async Task ConnectLoopAsync(CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(_options.ReconnectMinSeconds), TimeSpan.FromSeconds(_options.ReconnectMaxSeconds));
        while (!ct.IsCancellationRequested)
        {
            if (_client.IsConnected)
            {
                await WaitAsync(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                continue;
            }

            _born = false;

            string? failure;
            try
            {
                var result = await _client.ConnectAsync(BuildOptions(), ct).ConfigureAwait(false);
                failure = result.ResultCode == MqttClientConnectResultCode.Success ? null : $"{result.ResultCode} {result.ReasonString}";
                if (failure is null)
                {
                    UplinkLog.Connected(_logger, Name, _options.Broker, result.IsSessionPresent);
                    await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                        .WithTopicFilter(f => f.WithTopic(_agent.Identity.Topic(Channel.Config)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                        .WithTopicFilter(f => f.WithTopic(_agent.Identity.Topic(Channel.Commands)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                        .WithTopicFilter(f => f.WithTopic(_agent.Identity.Topic(Channel.Stored)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                        .Build(), Unstoppable).ConfigureAwait(false);
                    await PublishStatusAsync(Presence.Online, null, Unstoppable).ConfigureAwait(false); // the birth
                    _rewindDue = true; // what the last link carried may be gone with it: send again from the watermark
                    _born = true; // only now may the sender start on the outbox
                    backoff.Reset();
                    Wake();
                    continue;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException or IOException or OperationCanceledException or InvalidOperationException or System.Security.Authentication.AuthenticationException)
            {
                failure = e.Message;
            }

            Interlocked.Increment(ref _connectFailures);
            var delay = backoff.Next();
            UplinkLog.ConnectFailed(_logger, Name, _options.Broker, failure, delay.TotalSeconds);
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync(CancellationToken ct)
    {
        // A token bucket on the uplink's clock: a burst of a second's worth (or a window), then the pace.
        var rate = _outbox.ReplayRecordsPerSecond;
        var burst = Math.Max(_outbox.Window, rate);
        var tokens = burst;
        var started = _time.GetTimestamp();
        var last = started;
        var nextStatus = _statusInterval;
        while (!ct.IsCancellationRequested)
        {
            if (!_client.IsConnected || !_born)
            {
                await WaitAsync(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
                continue;
            }

            var now = _time.GetTimestamp();
            tokens = Math.Min(burst, tokens + (_time.GetElapsedTime(last, now).TotalSeconds * rate));
            last = now;
            var running = _time.GetElapsedTime(started, now);
            if (_statusDue || running >= nextStatus)
            {
                _statusDue = false;
                nextStatus = running + _statusInterval;
                await TryAsync(PublishStatusAsync(Presence.Online, null, Unstoppable)).ConfigureAwait(false);
            }

            if (_rewindDue || Stalled(now))
            {
                _rewindDue = false;
                _agent.Outbox.Rewind();
            }

            var telemetryAllowed = (int)Math.Min(tokens, _outbox.Window);
            var batch = _agent.Outbox.TakeBatch(_outbox.Window, includeTelemetry: telemetryAllowed >= 1);
            if (batch is null)
            {
                // Unsent telemetry waits for the pace; records waiting for the watermark (or a queue with too many of them)
                // need no sender until something is appended, confirmed or a second has passed.
                var stats = _agent.Outbox.Stats;
                var wait = telemetryAllowed < 1 && stats.Depth > stats.Unconfirmed ? TimeSpan.FromSeconds(Math.Max(0.01, (1 - tokens) / rate)) : TimeSpan.FromSeconds(1);
                await _agent.Outbox.WaitForAppendAsync(wait, ct).ConfigureAwait(false);
                continue;
            }

            if (batch.Priority == OutboxPriority.Telemetry && batch.Records.Count > telemetryAllowed)
            {
                batch = batch with { Records = batch.Records.Take(telemetryAllowed).ToList(), Ends = batch.Ends.Take(telemetryAllowed).ToList() };
            }

            var (delivered, refused) = await PublishBatchAsync(batch, Unstoppable).ConfigureAwait(false);
            _agent.Outbox.Acknowledge(batch, delivered, refused);
            if (batch.Priority == OutboxPriority.Telemetry)
            {
                tokens -= delivered;
            }

            if (delivered < batch.Records.Count)
            {
                await WaitAsync(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
            }
        }
    }

    // Records the broker acknowledged have waited too long for the cloud's watermark: the broker may have lost them (a restart
    // without persistence, a shared subscription it forgot), so they are sent again, with a doubling wait while nothing moves.
    private bool Stalled(long now)
    {
        if (!_agent.Outbox.KeepsUntilStored || _agent.Outbox.InFlight == 0)
        {
            Interlocked.Exchange(ref _lastProgress, now);
            return false;
        }

        var stall = TimeSpan.FromTicks(Interlocked.Read(ref _stallTicks));
        if (_time.GetElapsedTime(Interlocked.Read(ref _lastProgress), now) < stall)
        {
            return false;
        }

        UplinkLog.Stalled(_logger, Name, _agent.Outbox.InFlight, stall.TotalSeconds);
        Interlocked.Exchange(ref _lastProgress, now);
        Interlocked.Exchange(ref _stallTicks, Math.Min(stall.Ticks * 2, MaxStall.Ticks));
        return true;
    }

    private static readonly TimeSpan MaxStall = TimeSpan.FromMinutes(10);

    // Publishes the batch's records together and returns how many, from the first, the broker acknowledged, and which of
    // those it refused for good.
    private async Task<(int Delivered, IReadOnlySet<int>? Refused)> PublishBatchAsync(OutboxBatch batch, CancellationToken ct)
    {
        HashSet<int>? refused = null;
        var topics = new Dictionary<Channel, string>();
        var sends = batch.Records.Select(r =>
        {
            if (!topics.TryGetValue(r.Channel, out var topic))
            {
                topics[r.Channel] = topic = _agent.Identity.Topic(r.Channel);
            }

            return PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(r.Payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), ct);
        }).ToList();

        var delivered = 0;
        foreach (var send in sends)
        {
            try
            {
                var result = await send.ConfigureAwait(false);
                if (result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
                {
                    // Refused for good (not authorised, bad topic): resending would block the queue forever.
                    UplinkLog.Refused(_logger, Name, result.ReasonCode.ToString());
                    (refused ??= []).Add(delivered);
                }
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException or IOException)
            {
                UplinkLog.PublishFailed(_logger, Name, e.Message);
                break;
            }

            delivered++;
        }

        // Let the rest finish (or fail) before the batch is retried, so no send outlives its record.
        await Task.WhenAll(sends.Select(s => s.ContinueWith(static _ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        return (delivered, refused);
    }

    // MQTTnet throws "not connected" synchronously when the link dropped since the loop looked: inside a task it is
    // handled like any failed send (the records stay in the outbox), instead of escaping and stopping the agent.
    private async Task<MqttClientPublishResult> PublishAsync(MqttApplicationMessage message, CancellationToken ct) =>
        await _client.PublishAsync(message, ct).ConfigureAwait(false);

    private async Task PublishStatusAsync(Presence presence, OfflineReason? reason, CancellationToken ct)
    {
        var status = _agent.Status(Interlocked.Increment(ref _statusSeq), presence, reason);
        await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(_agent.Identity.Topic(Channel.Status))
            .WithPayload(ProtocolJson.Serialize(status))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .Build(), ct).ConfigureAwait(false);
    }

    private async Task GoodbyeAsync()
    {
        if (!_client.IsConnected)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(GoodbyeTimeout);
        try
        {
            await PublishStatusAsync(Presence.Offline, OfflineReason.Shutdown, timeout.Token).ConfigureAwait(false);
            // A normal disconnect: the broker drops the Last Will, the offline status above stands.
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token).ConfigureAwait(false);
            UplinkLog.Offline(_logger, Name, "shutdown");
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            UplinkLog.PublishFailed(_logger, Name, e.Message);
        }
    }

    private MqttClientOptions BuildOptions()
    {
        var (host, port) = _options.Endpoint();
        // The Last Will is this boot's status record, offline: the broker publishes it if the link dies.
        var will = _agent.Status(Interlocked.Increment(ref _statusSeq), Presence.Offline, OfflineReason.ConnectionLost);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"iot-edge-{_agent.Identity.Agent}")
            .WithCleanStart(false)
            .WithSessionExpiryInterval(_options.SessionExpirySeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(_options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(_agent.Identity.Topic(Channel.Status))
            .WithWillPayload(ProtocolJson.Serialize(will))
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillRetain(true);
        if (_options.Username is { } user)
        {
            builder.WithCredentials(user, _options.Password);
        }

        if (_options.UseTls)
        {
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls().WithTargetHost(host);
                if (_ca is not null)
                {
                    tls.WithCertificateValidationHandler(e => PinnedCa.Accepts(_ca, e.Certificate, e.SslPolicyErrors));
                }
            });
        }

        return builder.Build();
    }

    private async Task WaitAsync(TimeSpan timeout, CancellationToken ct) => await _wake.WaitAsync(timeout, ct).ConfigureAwait(false);

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    private static async Task TryAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            // The connect loop deals with a dead link; a missed status is sent again on the next change.
        }
    }
}
