using System.Diagnostics;
using Iot.Cloud.Data;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Ingest;

/// <summary>
/// Stores one batch of the event lane: device events (a forced gate, a charger cut off, a drain at high water) in a short
/// transaction of their own, never behind a telemetry batch's time-series write. The same admission as telemetry (one
/// budget per agent); duplicates are dropped by the events' unique (agent, boot, seq), so this lane keeps no dedupe
/// state of its own. After the commit the events are acknowledged, handed to the rules ahead of telemetry, and their
/// seqs noted for the telemetry lane's gap count (<see cref="SequenceTracker.Note"/>). If the save fails (another cloud
/// instance stored the same event a moment before, or the database is away) nothing is acknowledged and the retry sees
/// what is stored.
/// </summary>
public sealed class EventBatch(
    Admission admission,
    IStoredBatches stored,
    SequenceTracker sequences,
    BootClock clock,
    IngestMetrics metrics,
    IngestStats stats,
    TimeProvider time,
    ILogger<EventBatch> logger)
{
    /// <summary>Processes and stores <paramref name="batch"/>, then acknowledges it and hands it to the rules.</summary>
    public async Task HandleAsync(IReadOnlyList<IncomingMessage> batch, CloudDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(db);
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var work = new BatchContents();
        var accepted = admission.Admit(batch, work, now);
        if (accepted.Find(a => a.Message is not DeviceEvent) is { } stray)
        {
            // The inbox routes only valid events here; anything else would be acknowledged unstored.
            throw new UnreachableException($"a {stray.Message.GetType().Name} reached the event lane; only device events are stored by {nameof(EventBatch)}");
        }

        var seen = await StoredAlreadyAsync(db, accepted, cancellationToken);
        var replayed = new List<(AgentId Agent, string Boot, long Seq)>();
        var anchors = await AnchorsAsync(db, accepted, cancellationToken);
        foreach (var (message, uplink, agent) in accepted)
        {
            var e = (DeviceEvent)uplink;
            if (!seen.Add((e.Agent, e.Boot.Value, e.Seq)))
            {
                work.Duplicates++;
                replayed.Add((e.Agent, e.Boot.Value, e.Seq));
                continue;
            }

            var at = e.At ?? clock.Place(e.Agent, e.Boot.Value, e.BootMs!.Value)
                ?? (anchors.TryGetValue((e.Agent, e.Boot.Value), out var start) ? start.AddMilliseconds(e.BootMs!.Value) : null);
            work.Events.Add(new DeviceEventRecord
            {
                AgentId = e.Agent, BootId = e.Boot.Value, Seq = e.Seq, CourtyardId = agent.Courtyard.Id, DeviceId = e.Device,
                Kind = WireNames.Of(e.Kind), At = at ?? message.ReceivedAt, TimeEstimated = at is null,
                Outlet = e.Outlet, Value = e.Value, Reason = e.Reason, ReceivedAt = message.ReceivedAt,
            });
        }

        db.DeviceEvents.AddRange(work.Events);
        try
        {
            await DeadLetterRows.SaveChangesWithAsync(db, work.DeadLetters, cancellationToken);
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }

        // Replays too: they are stored, and an agent that replays is waiting for its watermark.
        foreach (var (agent, boot, seq) in work.Events.Select(e => (e.AgentId, e.BootId, e.Seq)).Concat(replayed))
        {
            sequences.Note(agent, boot, seq);
        }

        await Acknowledgements.SendAsync(batch, logger, cancellationToken);
        if (work.Events.Count > 0)
        {
            await stored.StoredAsync(new StoredBatch([], work.Events, []), cancellationToken);
        }

        metrics.Duplicates.Add(work.Duplicates);
        metrics.BatchSize.Record(batch.Count, new KeyValuePair<string, object?>("lane", "event"));
        metrics.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("lane", "event"));
        stats.Record(batch.Count, 0, work.Refused, work.Duplicates, 0, now);
    }

    // The batch's (agent, boot, seq) already stored: a QoS 1 redelivery, an outbox replay, or another instance's copy.
    private static async Task<HashSet<(AgentId, string, long)>> StoredAlreadyAsync(CloudDb db, List<Accepted> accepted, CancellationToken cancellationToken)
    {
        if (accepted.Count == 0)
        {
            return [];
        }

        var agents = accepted.Select(a => a.Message.Agent).Distinct().ToList();
        var boots = accepted.Select(a => a.Message.Boot.Value).Distinct().ToList();
        var seqs = accepted.Select(a => a.Message.Seq).Distinct().ToList();
        var rows = await db.DeviceEvents.AsNoTracking()
            .Where(e => agents.Contains(e.AgentId) && boots.Contains(e.BootId) && seqs.Contains(e.Seq))
            .Select(e => new { e.AgentId, e.BootId, e.Seq }).ToListAsync(cancellationToken);
        return rows.Select(r => (r.AgentId, r.BootId, r.Seq)).ToHashSet();
    }

    // Boot starts from the database for boot-relative events whose boot the telemetry lane has not looked up lately.
    private async Task<Dictionary<(AgentId, string), DateTimeOffset>> AnchorsAsync(CloudDb db, List<Accepted> accepted, CancellationToken cancellationToken)
    {
        var unplaced = accepted.Select(a => (DeviceEvent)a.Message)
            .Where(e => e.At is null && clock.Place(e.Agent, e.Boot.Value, 0) is null).Select(e => (e.Agent, e.Boot.Value)).Distinct().ToList();
        if (unplaced.Count == 0)
        {
            return [];
        }

        var agents = unplaced.Select(k => k.Agent).Distinct().ToList();
        var boots = unplaced.Select(k => k.Value).Distinct().ToList();
        var rows = await db.BootAnchors.AsNoTracking().Where(a => agents.Contains(a.AgentId) && boots.Contains(a.BootId)).ToListAsync(cancellationToken);
        return rows.ToDictionary(a => (a.AgentId, a.BootId), a => a.BootStart);
    }
}
