using Iot.Cloud.Data;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Sites;

/// <summary>
/// Loads the site manifests into the registry at start (before ingest accepts messages) and re-syncs when the
/// files change. A manifest with problems is refused whole: its problems are logged and shown by the API, and the
/// registry keeps the last good site, so a typo in the field never takes courtyards offline.
/// </summary>
public sealed partial class SiteSync(
    IOptions<SitesOptions> options,
    SiteRegistry registry,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<SiteSync> logger) : BackgroundService
{
    // The poll and a sync asked for by someone else (a test, an administrator) take turns: two at once would both write the registry.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _stamp;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await SyncAsync(cancellationToken);
        if (registry.Current is null)
        {
            throw new Operations.SettingsException(
                $"The site manifests in '{Path.GetFullPath(options.Value.Folder)}' (setting Sites:Folder) are not valid:\n" +
                string.Join("\n", registry.Problems));
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>Checks the folder once and syncs when it changed.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await SyncOnceAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    private async Task SyncOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        SiteFolder folder;
        try
        {
            var stamp = SiteFolder.Stamp(options.Value.Folder);
            if (stamp == _stamp && registry.Current is not null)
            {
                registry.Checked(now);
                return;
            }

            _stamp = stamp;
            folder = SiteFolder.Read(options.Value.Folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            registry.Refuse([new Protocol.Sites.ManifestProblem(options.Value.Folder, "$", e.Message)], now);
            LogUnreadable(logger, options.Value.Folder, e.Message);
            return;
        }

        if (registry.Current?.Hash == folder.Hash)
        {
            registry.Checked(now);
            return;
        }

        var result = folder.Parse();
        if (result.Site is not { } site)
        {
            registry.Refuse(result.Problems, now);
            LogRefused(logger, result.Problems.Count, string.Join("; ", result.Problems.Take(5)));
            return;
        }

        var snapshot = RegistrySnapshot.Of(site, folder.Hash);
        await using (var scope = scopes.CreateAsyncScope())
        {
            await RegistryWriter.WriteAsync(scope.ServiceProvider.GetRequiredService<CloudDb>(), snapshot, now, cancellationToken);
        }

        registry.Publish(snapshot, now);
        LogSynced(logger, site.Manifest.Id.Value, site.Communities.Count, snapshot.Agents.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await SyncAsync(stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {Site} synced: {Communities} communities, {Agents} agents")]
    private static partial void LogSynced(ILogger logger, string site, int communities, int agents);

    [LoggerMessage(Level = LogLevel.Error, Message = "Site manifests refused ({Count} problems), keeping the last good site: {Problems}")]
    private static partial void LogRefused(ILogger logger, int count, string problems);

    [LoggerMessage(Level = LogLevel.Error, Message = "Site folder {Folder} unreadable: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string folder, string reason);
}
