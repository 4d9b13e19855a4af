using Iot.Cloud.Broker;
using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Config;

/// <summary>
/// Publishes each agent's desired configuration, derived from its manifest slice, as a retained message on its
/// <c>config</c> topic: all of them after every (re)connect (a broker restart may have lost retained messages),
/// and the changed ones whenever the manifests change. The agents report the hash they applied in their status.
/// </summary>
public sealed partial class DesiredConfigPublisher : BackgroundService
{
    private readonly CloudMqttClient _mqtt;
    private readonly SiteRegistry _registry;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger<DesiredConfigPublisher> _logger;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Dictionary<string, string> _published = new(StringComparer.Ordinal);
    private volatile bool _reconnected;

    public DesiredConfigPublisher(CloudMqttClient mqtt, SiteRegistry registry, IServiceScopeFactory scopes, TimeProvider time, ILogger<DesiredConfigPublisher> logger)
    {
        _mqtt = mqtt;
        _registry = registry;
        _scopes = scopes;
        _time = time;
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

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        if (_registry.Current is not { } snapshot || !_mqtt.IsConnected)
        {
            return;
        }

        if (_reconnected)
        {
            _reconnected = false;
            _published.Clear();
        }

        var now = _time.GetUtcNow();
        var sent = new List<string>();
        foreach (var (id, agent) in snapshot.Agents)
        {
            if (_published.TryGetValue(id.Value, out var hash) && hash == agent.DesiredHash)
            {
                continue;
            }

            var config = new DesiredConfig(ProtocolVersion.Current, id, agent.DesiredHash, now, agent.Manifest);
            var topic = new AgentTopic(snapshot.Site.Manifest.Id, agent.Courtyard.Id, id, Channel.Config).ToString();
            await _mqtt.PublishAsync(topic, ProtocolJson.Serialize(config), retain: true, cancellationToken);
            _published[id.Value] = agent.DesiredHash;
            sent.Add(id.Value);
        }

        if (sent.Count > 0)
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
            foreach (var row in await db.Agents.Where(a => sent.Contains(a.Id)).ToListAsync(cancellationToken))
            {
                row.PublishedHash = _published[row.Id];
            }

            await db.SaveChangesAsync(cancellationToken);
            LogPublished(_logger, sent.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published desired configuration to {Count} agents")]
    private static partial void LogPublished(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing desired configurations failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string reason);
}
