using System.Threading.Channels;
using Iot.Cloud.Data;

namespace Iot.Cloud.Ingest;

/// <summary>
/// The single consumer of one ingest lane: takes messages in batches and hands each to the lane's handler. When storing
/// fails (database or time-series store unreachable) it retries the same batch with backoff; nothing is acknowledged
/// meanwhile, the lane fills, and backpressure reaches the broker.
/// </summary>
public abstract partial class LaneProcessor(
    ChannelReader<IncomingMessage> reader,
    int maxBatch,
    IServiceScopeFactory scopes,
    TimeProvider retryTime,
    ILogger logger) : BackgroundService
{
    /// <summary>True while the last batch failed to store (for readiness).</summary>
    public bool IsFailing { get; private set; }

    /// <summary>Why the last batch failed, while it is failing.</summary>
    public string? LastError { get; private set; }

    /// <summary>The lane, for logs and readiness.</summary>
    protected abstract string Lane { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<IncomingMessage>(maxBatch);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                batch.Clear();
                await OpenBatchAsync(batch, stoppingToken);
                await FillAsync(batch, stoppingToken);
                await StoreWithRetryAsync(batch, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>Waits for what opens a batch: by default its first message.</summary>
    protected virtual async Task OpenBatchAsync(List<IncomingMessage> batch, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.Add(await reader.ReadAsync(stoppingToken));
    }

    /// <summary>Adds what else belongs in the batch that <paramref name="batch"/>'s first message opened.</summary>
    protected abstract Task FillAsync(List<IncomingMessage> batch, CancellationToken stoppingToken);

    /// <summary>Stores and acknowledges one batch, or throws having stored nothing.</summary>
    protected abstract Task HandleAsync(IReadOnlyList<IncomingMessage> batch, CloudDb db, CancellationToken cancellationToken);

    /// <summary>Takes whatever is already waiting, up to the batch size.</summary>
    protected void TakeWaiting(List<IncomingMessage> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        while (batch.Count < maxBatch && reader.TryRead(out var waiting))
        {
            batch.Add(waiting);
        }
    }

    private async Task StoreWithRetryAsync(List<IncomingMessage> batch, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await HandleAsync(batch, scope.ServiceProvider.GetRequiredService<CloudDb>(), stoppingToken);
                if (IsFailing)
                {
                    LogRecovered(logger, Lane, batch.Count);
                }

                IsFailing = false;
                LastError = null;
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                IsFailing = true;
                LastError = e.Message;
                LogStoreFailed(logger, Lane, batch.Count, e.Message, backoff.TotalSeconds);
                await Task.Delay(backoff, retryTime, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing a {Lane} batch of {Count} messages failed: {Reason}; retrying in {Seconds} s (nothing acknowledged)")]
    private static partial void LogStoreFailed(ILogger logger, string lane, int count, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest recovered; stored the {Lane} batch of {Count} messages it was retrying")]
    private static partial void LogRecovered(ILogger logger, string lane, int count);
}
