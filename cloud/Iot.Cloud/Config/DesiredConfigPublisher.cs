using System.Data.Common;
using Iot.Cloud.Broker;
using Iot.Cloud.Data;
using Iot.Cloud.Operations;
using Iot.Cloud.Signing;
using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Signing;
using Iot.Protocol.Topics;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Config;

/// <summary>
/// Publishes each agent's desired configuration, derived from its manifest slice and signed with the cloud's key, as a
/// retained message on its <c>config</c> topic: all of them after every (re)connect (a broker restart may have lost
/// retained messages), the changed ones whenever the manifests change, and again to any agent whose status shows it
/// is not running the desired config or has refused one the cloud did not send (a forged retained config is thereby
/// overwritten within one status interval). The agents report the hash they applied in their status.
/// </summary>
public sealed partial class DesiredConfigPublisher : BackgroundService
{
    /// <summary>How often statuses are looked at for agents that need their config again, and the least time between two re-sends to one agent.</summary>
    public static readonly TimeSpan DriftCheck = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(30);
    private readonly CloudMqttClient _mqtt;
    private readonly SiteRegistry _registry;
    private readonly IServiceScopeFactory _scopes;
    private readonly CloudSigner _signer;
    private readonly TimeProvider _time;
    private readonly TimeProvider _pace;
    private readonly ILogger<DesiredConfigPublisher> _logger;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Dictionary<AgentId, string> _published = [];
    private readonly Dictionary<AgentId, long> _resent = [];
    private volatile bool _reconnected;

    public DesiredConfigPublisher(CloudMqttClient mqtt, SiteRegistry registry, IServiceScopeFactory scopes, CloudSigner signer, TimeProvider time,
        [FromKeyedServices(Clocks.Retry)] TimeProvider pace, ILogger<DesiredConfigPublisher> logger)
    {
        _mqtt = mqtt;
        _registry = registry;
        _scopes = scopes;
        _signer = signer;
        _time = time;
        _pace = pace;
        _logger = logger;
        _mqtt.Connected += _ =>
        {
            _reconnected = true;
            _wake.Release();
            return Task.CompletedTask;
        };
        _registry.Changed += _ => _wake.Release();
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = WatchDriftAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            await _wake.WaitAsync(stoppingToken);
            try
            {
                await PublishAsync(stoppingToken);
            }
            catch (Exception e) when (e is InvalidOperationException or MQTTnet.Exceptions.MqttCommunicationException)
            {
                // Not connected or refused: the next (re)connect wakes us again.
                LogPublishFailed(_logger, e.Message);
            }
        }
    }

    // Forgets what was published to agents that need it again, and wakes the publisher for them.
    private async Task WatchDriftAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(DriftCheck, _pace);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
                var drifting = await db.Agents.AsNoTracking()
                    .Where(a => (a.AppliedHash != null && a.AppliedHash != a.DesiredHash && (a.RejectedHash == null || a.RejectedHash != a.DesiredHash))
                        || (a.RejectedHash != null && a.RejectedHash != a.DesiredHash))
                    .Select(a => a.Id).ToListAsync(stoppingToken);
                var now = _pace.GetTimestamp();
                var due = drifting.Where(id => !_resent.TryGetValue(id, out var at) || _pace.GetElapsedTime(at, now) >= ResendAfter).ToList();
                if (due.Count == 0)
                {
                    continue;
                }

                lock (_published)
                {
                    foreach (var id in due)
                    {
                        _published.Remove(id);
                        _resent[id] = now;
                    }
                }

                LogDrift(_logger, due.Count);
                _wake.Release();
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                LogPublishFailed(_logger, e.Message); // the database is away: look again next time
            }
        }
    }

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        if (_registry.Current is not { } snapshot || !_mqtt.IsConnected)
        {
            return;
        }

        if (_reconnected)
        {
            _reconnected = false;
            lock (_published)
            {
                _published.Clear();
            }
        }

        var now = _time.GetUtcNow();
        var sent = new List<AgentId>();
        foreach (var (id, agent) in snapshot.Agents)
        {
            lock (_published)
            {
                if (_published.TryGetValue(id, out var hash) && hash == agent.DesiredHash)
                {
                    continue;
                }
            }

            var config = new DesiredConfig(ProtocolVersion.Current, id, agent.DesiredHash, now, agent.Manifest);
            var topic = new AgentTopic(snapshot.Site.Manifest.Id, agent.Courtyard.Id, id, Channel.Config).ToString();
            await _mqtt.PublishAsync(topic, _signer.Sign(ProtocolJson.Serialize(config), SignedPurpose.Config), retain: true, cancellationToken);
            lock (_published)
            {
                _published[id] = agent.DesiredHash;
            }

            sent.Add(id);
        }

        if (sent.Count > 0)
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
            foreach (var row in await db.Agents.Where(a => sent.Contains(a.Id)).ToListAsync(cancellationToken))
            {
                row.PublishedHash = snapshot.Agents[row.Id].DesiredHash;
            }

            await db.SaveChangesAsync(cancellationToken);
            LogPublished(_logger, sent.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published desired configuration to {Count} agents")]
    private static partial void LogPublished(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} agent(s) report another config than the desired one (or refused one the cloud did not send): publishing theirs again")]
    private static partial void LogDrift(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing desired configurations failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string reason);
}
