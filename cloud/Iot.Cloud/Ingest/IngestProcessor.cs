using Iot.Cloud.Data;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Ingest;

/// <summary>
/// The telemetry lane's processor: telemetry, statuses and command results in batches of up to
/// <see cref="IngestOptions.MaxBatchMessages"/>, or whatever arrived within <see cref="IngestOptions.MaxBatchDelay"/>
/// (every batch costs a commit, so telemetry waits briefly for company), each stored by <see cref="IngestBatch"/>.
/// </summary>
public sealed class IngestProcessor(
    IngestInbox inbox,
    IngestBatch handler,
    SequenceTracker sequences,
    IServiceScopeFactory scopes,
    IOptions<IngestOptions> options,
    [FromKeyedServices(Operations.Clocks.Retry)] TimeProvider retryTime,
    ILogger<IngestProcessor> logger) : LaneProcessor(inbox.Reader, options.Value.MaxBatchMessages, scopes, retryTime, logger)
{
    protected override string Lane => "telemetry";

    // A batch opens with a message, or with seqs the event lane noted (an agent that sends only events still has them
    // marked and hears its watermark): then it may be empty of messages.
    protected override async Task OpenBatchAsync(List<IncomingMessage> batch, CancellationToken stoppingToken)
    {
        while (true)
        {
            if (inbox.Reader.TryRead(out var first))
            {
                batch.Add(first);
                return;
            }

            if (sequences.NotedWaiting.TryPeek(out _))
            {
                return;
            }

            using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            await Task.WhenAny(inbox.Reader.WaitToReadAsync(either.Token).AsTask(), sequences.NotedWaiting.WaitToReadAsync(either.Token).AsTask());
            await either.CancelAsync();
            stoppingToken.ThrowIfCancellationRequested();
        }
    }

    protected override async Task FillAsync(List<IncomingMessage> batch, CancellationToken stoppingToken)
    {
        TakeWaiting(batch);
        if (options.Value.MaxBatchDelay == TimeSpan.Zero)
        {
            return;
        }

        using var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        window.CancelAfter(options.Value.MaxBatchDelay);
        try
        {
            while (batch.Count < options.Value.MaxBatchMessages && await inbox.Reader.WaitToReadAsync(window.Token))
            {
                TakeWaiting(batch);
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The batch window closed: process what arrived.
        }
    }

    protected override Task HandleAsync(IReadOnlyList<IncomingMessage> batch, CloudDb db, CancellationToken cancellationToken) =>
        handler.HandleAsync(batch, db, cancellationToken);
}

/// <summary>
/// The event lane's processor: whatever device events are waiting, up to <see cref="IngestOptions.MaxEventBatch"/>, at once
/// and never behind a telemetry batch, each batch stored by <see cref="EventBatch"/> in a short transaction of its own.
/// </summary>
public sealed class EventProcessor(
    IngestInbox inbox,
    EventBatch handler,
    IServiceScopeFactory scopes,
    IOptions<IngestOptions> options,
    [FromKeyedServices(Operations.Clocks.Retry)] TimeProvider retryTime,
    ILogger<EventProcessor> logger) : LaneProcessor(inbox.Events, options.Value.MaxEventBatch, scopes, retryTime, logger)
{
    protected override string Lane => "event";

    protected override Task FillAsync(List<IncomingMessage> batch, CancellationToken stoppingToken)
    {
        TakeWaiting(batch);
        return Task.CompletedTask;
    }

    protected override Task HandleAsync(IReadOnlyList<IncomingMessage> batch, CloudDb db, CancellationToken cancellationToken) =>
        handler.HandleAsync(batch, db, cancellationToken);
}
