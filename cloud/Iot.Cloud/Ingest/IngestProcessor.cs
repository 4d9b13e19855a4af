using Iot.Cloud.Data;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Ingest;

/// <summary>
/// The single consumer of the ingest inbox: takes messages in batches (up to a size, or whatever arrived within
/// a short delay) and hands each batch to <see cref="IngestBatch"/>. When storing fails (database or time-series
/// store unreachable) it retries the same batch with backoff; nothing is acknowledged meanwhile, the inbox
/// fills, and backpressure reaches the broker.
/// </summary>
public sealed partial class IngestProcessor(
    IngestInbox inbox,
    IngestBatch handler,
    IServiceScopeFactory scopes,
    IOptions<IngestOptions> options,
    [FromKeyedServices(Operations.Clocks.Retry)] TimeProvider retryTime,
    ILogger<IngestProcessor> logger) : BackgroundService
{
    /// <summary>True while the last batch failed to store (for readiness).</summary>
    public bool IsFailing { get; private set; }

    /// <summary>Why the last batch failed, while it is failing.</summary>
    public string? LastError { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<IncomingMessage>(options.Value.MaxBatchMessages);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                batch.Clear();
                await FillAsync(batch, stoppingToken);
                await StoreWithRetryAsync(batch, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private async Task FillAsync(List<IncomingMessage> batch, CancellationToken stoppingToken)
    {
        batch.Add(await inbox.Reader.ReadAsync(stoppingToken));
        if (options.Value.MaxBatchDelay == TimeSpan.Zero)
        {
            while (batch.Count < options.Value.MaxBatchMessages && inbox.Reader.TryRead(out var waiting))
            {
                batch.Add(waiting);
            }

            return;
        }

        using var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        window.CancelAfter(options.Value.MaxBatchDelay);
        try
        {
            // Events are alarms (a forced gate, a charger cut off): a batch holding one goes at once; telemetry waits
            // briefly for company, since every batch costs a commit.
            while (batch.Count < options.Value.MaxBatchMessages && !IsUrgent(batch[^1]))
            {
                while (batch.Count < options.Value.MaxBatchMessages && inbox.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                    if (IsUrgent(next))
                    {
                        return;
                    }
                }

                if (batch.Count >= options.Value.MaxBatchMessages || !await inbox.Reader.WaitToReadAsync(window.Token))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The batch window closed: process what arrived.
        }
    }

    // Only a valid event is an alarm: garbage on an events topic must not cut every batch short (a flood of it would
    // turn batching off and slow the valid traffic alongside).
    private static bool IsUrgent(IncomingMessage message) =>
        message.Check.Problem is null && message.Check.Topic?.Channel == Iot.Protocol.Topics.Channel.Events;

    private async Task StoreWithRetryAsync(List<IncomingMessage> batch, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await handler.HandleAsync(batch, scope.ServiceProvider.GetRequiredService<CloudDb>(), stoppingToken);
                if (IsFailing)
                {
                    LogRecovered(logger, batch.Count);
                }

                IsFailing = false;
                LastError = null;
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                IsFailing = true;
                LastError = e.Message;
                LogStoreFailed(logger, batch.Count, e.Message, backoff.TotalSeconds);
                await Task.Delay(backoff, retryTime, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing a batch of {Count} messages failed: {Reason}; retrying in {Seconds} s (nothing acknowledged)")]
    private static partial void LogStoreFailed(ILogger logger, int count, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest recovered; stored the batch of {Count} messages it was retrying")]
    private static partial void LogRecovered(ILogger logger, int count);
}
