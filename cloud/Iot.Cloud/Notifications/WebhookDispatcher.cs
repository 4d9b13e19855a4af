using System.Collections.Concurrent;
using Iot.Cloud.Data;
using Iot.Cloud.Notifications.Channels;
using Iot.Cloud.Notifications.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Iot.Cloud.Notifications;

/// <summary>
/// Delivers the outbox: claims due messages with a lease (<see cref="OutboxClaim"/>), then sends each channel's messages
/// on their own, so a dead or slow channel holds only its own queue. Each request goes through the resilience pipeline
/// (quick retries with backoff, a timeout); a failed attempt is retried later with doubling waits, or after the wait
/// the platform asked for, and given up after the configured attempts or an answer retrying cannot mend.
/// </summary>
public sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory http,
    IOptions<WebhookOptions> options,
    ChannelDirectory directory,
    IEnumerable<IChannelSender> senders,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    /// <summary>The named HTTP client, with its resilience pipeline (NotificationsSetup).</summary>
    public const string Client = "notifications";

    private const int ClaimLimit = 200;
    private readonly SemaphoreSlim _wake = new(0);

    // SQLite has one writer: channels taking turns here never meet its lock (whose busy wait sleeps up to 100 ms).
    private readonly SemaphoreSlim _sqliteWrites = new(1);
    private readonly ConcurrentDictionary<string, Task> _sending = new();
    private readonly Dictionary<ChannelKind, IChannelSender> _senders = senders.ToDictionary(s => s.Kind);

    /// <summary>This instance's name in the leases it takes.</summary>
    public string Owner { get; } = $"{Environment.MachineName[..Math.Min(16, Environment.MachineName.Length)]}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Something was queued, or a channel finished: look now rather than at the next poll.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        _sqliteWrites.Dispose();
        base.Dispose();
    }

    /// <summary>Claims what is due and starts each channel's sending (a channel still sending is left alone); returns how many were claimed.</summary>
    public async Task<int> DispatchAsync(CancellationToken cancellationToken)
    {
        List<(long Id, string Channel)> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
            var ids = await SaveAsync(db, () => OutboxClaim.ClaimAsync(db, Owner, time.GetUtcNow(), options.Value.Lease, [.. _sending.Keys], ClaimLimit, cancellationToken), cancellationToken);
            claimed = (await db.Notifications.AsNoTracking().Where(n => ids.Contains(n.Id)).Select(n => new { n.Id, n.Channel }).ToListAsync(cancellationToken))
                .Select(n => (n.Id, n.Channel)).ToList();
        }

        foreach (var group in claimed.GroupBy(n => n.Channel))
        {
            var ids = group.Select(n => n.Id).ToList();
            var task = Task.Run(() => SendChannelAsync(group.Key, ids, cancellationToken), CancellationToken.None);
            _sending[group.Key] = task;
            _ = task.ContinueWith(_ => { _sending.TryRemove(group.Key, out var _); Wake(); }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        return claimed.Count;
    }

    /// <summary>Waits until every channel started so far has finished.</summary>
    public Task IdleAsync() => Task.WhenAll(_sending.Values);

    /// <summary>Sends whatever is due and waits for it; returns how many were claimed.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var count = await DispatchAsync(cancellationToken);
        await IdleAsync();
        return count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database is away (or any other trouble): try again at the next poll, never stop the service.
                LogDispatchFailed(logger, e.Message);
            }

            // Wake on new work or a channel done, or poll for retries that come due.
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            poll.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                await _wake.WaitAsync(poll.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Poll interval passed.
            }
        }

        await IdleAsync();
    }

    private async Task SendChannelAsync(string name, List<long> ids, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
            var waiting = await db.Notifications.Where(n => ids.Contains(n.Id) && n.LeaseOwner == Owner).OrderBy(n => n.Id).ToListAsync(cancellationToken);
            var o = options.Value;
            // Looked up at each send, so a channel changed or removed on the settings page counts at once.
            var found = await directory.FindAsync(db, name, cancellationToken);
            var channel = found?.Channel;
            if (channel is null || found!.Unreadable is not null || !_senders.TryGetValue(channel.Kind, out var sender))
            {
                var why = found?.Unreadable ?? $"no channel named '{name}' (removed from the settings page, or from Webhooks:Channels:{name})";
                foreach (var n in waiting)
                {
                    Settle(n, new SendOutcome(false, why, Permanent: true), time.GetUtcNow(), o);
                }

                await SaveAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
                return;
            }

            using var client = http.CreateClient(Client);
            TimeSpan? hold = null;
            var started = time.GetUtcNow();
            foreach (var batch in sender.Batches(waiting))
            {
                var now = time.GetUtcNow();
                if (now - started > o.Lease / 2)
                {
                    // Half the lease is spent: hand the rest back before another instance may take it.
                    batch.ToList().ForEach(Release);
                    continue;
                }

                if (hold is { } wait)
                {
                    // The platform asked to wait: the rest of this channel waits too, without spending an attempt.
                    foreach (var n in batch)
                    {
                        n.NextAttemptAt = now + wait;
                        Release(n);
                    }

                    continue;
                }

                SendOutcome outcome;
                try
                {
                    outcome = await sender.SendAsync(client, channel, batch, now, cancellationToken);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
                {
                    outcome = new SendOutcome(false, e is TimeoutRejectedException or TaskCanceledException ? $"no answer within {o.Timeout.TotalSeconds:0} s" : e.Message);
                }

                foreach (var n in batch)
                {
                    Settle(n, batch.Count > 1 && outcome.Delivered ? outcome with { Answer = $"{outcome.Answer} (sent as one of {batch.Count} merged)" } : outcome, now, o);
                }

                hold = outcome.RetryAfter is { } after && !outcome.Delivered ? after : null;

                // Saved after each request, so what went out is never sent again after a crash.
                await SaveAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
            }

            await SaveAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The lease runs out and another pass takes these messages again.
            LogChannelFailed(logger, name, e.Message);
        }
    }

    private async Task<T> SaveAsync<T>(CloudDb db, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            return await write();
        }

        await _sqliteWrites.WaitAsync(cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            _sqliteWrites.Release();
        }
    }

    private void Settle(Notification n, SendOutcome outcome, DateTimeOffset now, WebhookOptions o)
    {
        n.Attempts++;
        n.LastResult = outcome.Answer.Length > 1000 ? outcome.Answer[..1000] : outcome.Answer;
        Release(n);
        if (outcome.Delivered)
        {
            n.DeliveredAt = now;
        }
        else if (outcome.Permanent || n.Attempts >= o.MaxAttempts)
        {
            n.FailedAt = now;
            LogGaveUp(logger, n.Id, n.Channel, n.Attempts, n.LastResult);
        }
        else
        {
            n.NextAttemptAt = now + (outcome.RetryAfter ?? o.FirstRetryAfter * Math.Pow(2, n.Attempts - 1));
        }
    }

    private static void Release(Notification n)
    {
        n.LeaseOwner = null;
        n.LeasedUntil = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of notification {Id} on channel {Channel} failed {Attempts} times or for good; giving up: {Result}")]
    private static partial void LogGaveUp(ILogger logger, long id, string channel, int attempts, string? result);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification dispatch failed: {Reason}")]
    private static partial void LogDispatchFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending on channel {Channel} failed: {Reason}")]
    private static partial void LogChannelFailed(ILogger logger, string channel, string reason);
}
