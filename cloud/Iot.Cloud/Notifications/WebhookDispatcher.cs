using System.Net.Http.Headers;
using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Notifications;

/// <summary>
/// Delivers queued notifications to each party's webhook: POSTs the JSON, retries failures with exponential backoff,
/// records every attempt's outcome, gives up after the configured attempts. Runs on its own, so a dead webhook only
/// delays its own party's messages and never the pipeline.
/// </summary>
public sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory http,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Something was queued: look now rather than at the next poll.</summary>
    public void Wake() => _wake.Release();

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    /// <summary>Sends whatever is due once; returns how many were attempted.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        var now = time.GetUtcNow();
        var due = await db.Notifications.Where(n => n.DeliveredAt == null && n.FailedAt == null && n.NextAttemptAt <= now)
            .OrderBy(n => n.Id).Take(50).ToListAsync(cancellationToken);
        foreach (var notification in due)
        {
            await AttemptAsync(notification, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return due.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeliverDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database is away (or any other trouble): try again at the next poll, never stop the service.
                LogDispatchFailed(logger, e.Message);
            }

            // Wake on new work, or poll for retries that come due.
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
    }

    private async Task AttemptAsync(Notification notification, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var o = options.Value;
        notification.Attempts++;
        if (!o.Parties.TryGetValue(notification.PartyId, out var url))
        {
            notification.FailedAt = now;
            notification.LastResult = $"no webhook configured for party '{notification.PartyId}' (Webhooks:Parties:{notification.PartyId})";
            return;
        }

        try
        {
            using var client = http.CreateClient(nameof(WebhookDispatcher));
            client.Timeout = o.Timeout;
            using var content = new StringContent(notification.Body, System.Text.Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var response = await client.PostAsync(url, content, cancellationToken);
            notification.LastResult = $"HTTP {(int)response.StatusCode}";
            if (response.IsSuccessStatusCode)
            {
                notification.DeliveredAt = now;
                return;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            notification.LastResult = e.Message;
        }

        if (notification.Attempts >= o.MaxAttempts)
        {
            notification.FailedAt = now;
            LogGaveUp(logger, notification.Id, notification.PartyId, notification.Attempts, notification.LastResult);
        }
        else
        {
            notification.NextAttemptAt = now + (o.FirstRetryAfter * Math.Pow(2, notification.Attempts - 1));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery of notification {Id} to {Party} failed {Attempts} times; giving up: {Result}")]
    private static partial void LogGaveUp(ILogger logger, long id, string party, int attempts, string? result);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook dispatch failed: {Reason}")]
    private static partial void LogDispatchFailed(ILogger logger, string reason);
}
