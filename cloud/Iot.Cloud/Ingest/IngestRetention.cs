using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Ingest;

/// <summary>What one retention sweep removed.</summary>
/// <param name="DeadLetters">Dead letters older than their retention.</param>
/// <param name="Unplaced">Boot-relative readings that waited too long for an anchor (each boot's now one dead letter).</param>
/// <param name="BootAnchors">Anchors unchanged for longer than their retention.</param>
/// <param name="Sequences">Dedupe windows of boots silent for longer than their retention.</param>
public sealed record RetentionSwept(int DeadLetters, int Unplaced, int BootAnchors, int Sequences);

/// <summary>
/// Keeps ingest's own tables bounded (section <c>Ingest</c>, the <c>…Retention</c> settings): deletes old dead letters,
/// boot anchors and dedupe windows, and turns boot-relative readings whose boot never got an anchor into one dead letter
/// per boot, saying why, instead of keeping them forever. Runs every <see cref="IngestOptions.RetentionSweepInterval"/>
/// on the cloud's <see cref="TimeProvider"/>. A row deleted here that ingest still holds in memory is simply written
/// again by the next batch that touches it (ingest looks rows up before it writes them).
/// </summary>
public sealed partial class IngestRetention(IServiceScopeFactory scopes, IOptions<IngestOptions> options, TimeProvider time, ILogger<IngestRetention> logger) : BackgroundService
{
    // One sweep at a time (the background loop, or one asked for), so a stale boot is summed up once.
    private readonly SemaphoreSlim _one = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.RetentionSweepInterval, time, stoppingToken);
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The next sweep tries again; nothing here is urgent.
                LogSweepFailed(logger, e.Message);
            }
        }
    }

    /// <summary>Runs one sweep now.</summary>
    public async Task<RetentionSwept> SweepAsync(CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            return await SweepOnceAsync(cancellationToken);
        }
        finally
        {
            _one.Release();
        }
    }

    public override void Dispose()
    {
        _one.Dispose();
        base.Dispose();
    }

    private async Task<RetentionSwept> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var unplacedBefore = now - o.UnplacedRetention;
        var stale = await db.UnplacedReadings.Where(u => u.ReceivedAt < unplacedBefore)
            .GroupBy(u => new { u.AgentId, u.BootId }).Select(g => new { g.Key.AgentId, g.Key.BootId, Count = g.Count() })
            .ToListAsync(cancellationToken);
        foreach (var boot in stale)
        {
            db.DeadLetters.Add(new DeadLetter
            {
                ReceivedAt = now,
                Topic = $"(unplaced: {boot.AgentId}/{boot.BootId})",
                AgentId = boot.AgentId,
                Reason = $"{boot.Count} boot-relative readings of agent '{boot.AgentId}' boot '{boot.BootId}' waited more than {o.UnplacedRetention} " +
                    "for a live status to place them in time, and the boot never sent one: dropped",
                Payload = [],
                PayloadBytes = 0,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        var unplaced = await db.UnplacedReadings.Where(u => u.ReceivedAt < unplacedBefore).ExecuteDeleteAsync(cancellationToken);
        var lettersBefore = now - o.DeadLetterRetention;
        var letters = await db.DeadLetters.Where(d => d.ReceivedAt < lettersBefore).ExecuteDeleteAsync(cancellationToken);
        var anchorsBefore = now - o.BootAnchorRetention;
        var anchors = await db.BootAnchors.Where(a => a.UpdatedAt < anchorsBefore).ExecuteDeleteAsync(cancellationToken);
        var sequencesBefore = now - o.SequenceRetention;
        var sequences = await db.Sequences.Where(s => s.UpdatedAt < sequencesBefore).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var swept = new RetentionSwept(letters, unplaced, anchors, sequences);
        if (letters + unplaced + anchors + sequences > 0)
        {
            LogSwept(logger, letters, unplaced, stale.Count, anchors, sequences);
        }

        return swept;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest retention: deleted {DeadLetters} dead letters, {Unplaced} unplaced readings of {Boots} boots (dead-lettered), {Anchors} boot anchors, {Sequences} dedupe windows")]
    private static partial void LogSwept(ILogger logger, int deadLetters, int unplaced, int boots, int anchors, int sequences);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest retention sweep failed: {Reason}; the next sweep tries again")]
    private static partial void LogSweepFailed(ILogger logger, string reason);
}
