using System.Threading.Channels;
using Iot.Cloud.Broker;
using Iot.Cloud.Operations;
using Iot.Cloud.Sites;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Channel = System.Threading.Channels.Channel;

namespace Iot.Cloud.Ingest;

/// <summary>
/// Publishes each agent's stored watermark (protocol 1.2), retained with QoS 1 on its <c>stored</c> topic, off the ingest
/// path: the telemetry lane <see cref="Offer"/>s what its commit made true and goes on, and this service sends it when the
/// <see cref="WatermarkPacer"/> says it is due (at most once a second per agent, at once on a gap). Only the latest
/// value per agent is kept, so what waits is bounded by the number of agents. Not connected: it waits for the connection,
/// and agents lose nothing meanwhile (they keep their records until a watermark passes them).
/// </summary>
public sealed partial class WatermarkPublisher : BackgroundService
{
    /// <summary>The least time between two routine watermarks to one agent.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private const int InFlight = 8;

    private readonly CloudMqttClient _mqtt;
    private readonly SiteRegistry _registry;
    private readonly IngestMetrics _metrics;
    private readonly TimeProvider _pace;
    private readonly ILogger<WatermarkPublisher> _logger;
    private readonly WatermarkPacer _pacer = new(Interval);
    private readonly long _start;
    private readonly Lock _refusals = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _refused;
    private long? _lastRefusalLog;

    public WatermarkPublisher(CloudMqttClient mqtt, SiteRegistry registry, IngestMetrics metrics, [FromKeyedServices(Clocks.Retry)] TimeProvider pace, ILogger<WatermarkPublisher> logger)
    {
        _mqtt = mqtt;
        _registry = registry;
        _metrics = metrics;
        _pace = pace;
        _logger = logger;
        _start = pace.GetTimestamp();
        _mqtt.Connected += _ =>
        {
            _wake.Writer.TryWrite(true);
            return Task.CompletedTask;
        };
    }

    /// <summary>Takes the watermarks a committed batch made true (any thread, never waits).</summary>
    public void Offer(IReadOnlyList<(StoredWatermark Watermark, bool Gap)> watermarks)
    {
        ArgumentNullException.ThrowIfNull(watermarks);
        if (watermarks.Count == 0)
        {
            return;
        }

        lock (_pacer)
        {
            var now = Now;
            foreach (var (watermark, gap) in watermarks)
            {
                _pacer.Offer(watermark, gap, now);
            }
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>The watermark waiting to go to <paramref name="agent"/>, if any.</summary>
    public StoredWatermark? PendingFor(Iot.Protocol.Identifiers.AgentId agent)
    {
        lock (_pacer)
        {
            return _pacer.PendingFor(agent);
        }
    }

    private TimeSpan Now => _pace.GetElapsedTime(_start);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan? wait;
            if (_mqtt.IsConnected)
            {
                List<StoredWatermark> due;
                lock (_pacer)
                {
                    due = _pacer.TakeDue(Now);
                }

                await PublishAsync(due, stoppingToken);
                lock (_pacer)
                {
                    wait = _pacer.NextDue(Now);
                }
            }
            else
            {
                wait = null; // the connection wakes us
            }

            try
            {
                await WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    // Until an offer or the connection wakes us, or the next watermark is due.
    private async Task WaitAsync(TimeSpan? wait, CancellationToken stoppingToken)
    {
        if (wait == TimeSpan.Zero)
        {
            return;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = _wake.Reader.WaitToReadAsync(either.Token).AsTask();
        Task[] tasks = wait is { } w ? [woken, Task.Delay(w, _pace, either.Token)] : [woken];
        await Task.WhenAny(tasks);
        await either.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
        _wake.Reader.TryRead(out _);
    }

    private async Task PublishAsync(List<StoredWatermark> due, CancellationToken cancellationToken)
    {
        if (due.Count == 0 || _registry.Current is not { } snapshot)
        {
            return;
        }

        // A few in flight at once (each waits for its PUBACK), well below a broker's receive maximum (Mosquitto: 20).
        for (var start = 0; start < due.Count; start += InFlight)
        {
            var chunk = due.GetRange(start, Math.Min(InFlight, due.Count - start));
            var sent = await Task.WhenAll(chunk.Select(w => PublishAsync(snapshot, w, cancellationToken)));
            if (sent.All(s => s))
            {
                continue;
            }

            // The connection went: what did not go, and the rest, go back, due again when it returns.
            lock (_pacer)
            {
                foreach (var back in chunk.Where((_, k) => !sent[k]).Concat(due.Skip(start + chunk.Count)))
                {
                    _pacer.Retry(back, Now);
                }
            }

            return;
        }
    }

    // False when the connection went and the watermark must go again; a refusal or an agent gone from the manifests is done.
    private async Task<bool> PublishAsync(RegistrySnapshot snapshot, StoredWatermark watermark, CancellationToken cancellationToken)
    {
        // An agent gone from the manifests gets nothing (its messages are refused anyway).
        if (!snapshot.Agents.TryGetValue(watermark.Agent, out var agent))
        {
            return true;
        }

        try
        {
            var topic = new AgentTopic(snapshot.Site.Manifest.Id, agent.Courtyard.Id, watermark.Agent, Iot.Protocol.Topics.Channel.Stored).ToString();
            await _mqtt.PublishAsync(topic, ProtocolJson.Serialize(watermark), retain: true, cancellationToken);
            _metrics.WatermarksPublished.Add(1);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            if (_mqtt.IsConnected)
            {
                // Refused (a broker whose ACL predates the stored channel, say): the agent's next batch offers it again.
                Refused(watermark, e.Message);
                return true;
            }

            LogPublishFailed(_logger, watermark.Agent.Value, e.Message);
            return false;
        }
    }

    // Every agent's every watermark would be refused alike: one warning a minute says how many.
    private void Refused(StoredWatermark watermark, string reason)
    {
        lock (_refusals)
        {
            _refused++;
            if (_lastRefusalLog is { } last && _pace.GetElapsedTime(last) < TimeSpan.FromMinutes(1))
            {
                return;
            }

            LogRefused(_logger, _refused, watermark.Agent.Value, reason);
            _refused = 0;
            _lastRefusalLog = _pace.GetTimestamp();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker refused {Count} stored watermark(s), the last to {Agent}: {Reason}. Agents keep their records until a watermark reaches them; if the broker's ACL predates protocol 1.2, provision it again (iot-edge provision broker)")]
    private static partial void LogRefused(ILogger logger, long count, string agent, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the stored watermark of {Agent} failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string agent, string reason);
}
