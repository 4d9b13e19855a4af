using System.Diagnostics;
using System.Text.Json;
using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Ingest;

/// <summary>
/// Handles one batch of messages end to end: validate, drop duplicates, place times, then store readings in
/// the time-series store and everything else in the database, and only then acknowledge the messages to the
/// broker. If storing fails nothing is acknowledged and the in-memory state is reset to what was committed,
/// so the retried batch (or the broker's redelivery) is handled as if for the first time.
/// </summary>
public sealed partial class IngestBatch(
    SiteRegistry registry,
    Admission admission,
    IStoredBatches stored,
    SequenceTracker sequences,
    WatermarkPublisher watermarks,
    BootClock clock,
    AgentBudget budget,
    ITimeSeriesStore store,
    IngestMetrics metrics,
    IngestStats stats,
    IOptions<IngestOptions> options,
    TimeProvider time,
    ILogger<IngestBatch> logger)
{
    // What ingest holds in memory across batches, staged into each batch's save and told how it ended.
    private readonly IBatchState[] _states = [sequences, clock];

    /// <summary>Processes and stores <paramref name="batch"/>, then acknowledges it.</summary>
    public async Task HandleAsync(IReadOnlyList<IncomingMessage> batch, CloudDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(db);
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var latest = Operations.Clocks.LatestOf(time);
        var work = new BatchContents();
        var accepted = admission.Admit(batch, work, now);
        foreach (var summary in budget.CloseWindows(now))
        {
            work.Summarize(summary, now, options.Value);
        }

        var floods = budget.TakeChanges();

        // Sized once: grown by doubling, a batch's list of 50,000 readings left a trail of large arrays behind it.
        work.Readings.EnsureCapacity(accepted.Sum(a => a.Message is TelemetryBatch t ? t.Readings.Count : 0));

        try
        {
            // The event lane's seqs join this batch's, so the data sequence's gaps count both lanes.
            var noted = sequences.TakeNoted();
            var dataKeys = accepted.Where(a => a.Message is not AgentStatus).Select(a => (a.Message.Agent, a.Message.Boot.Value));
            await sequences.EnsureLoadedAsync(db, dataKeys.Concat(noted.Select(n => (n.Agent, n.Boot))), cancellationToken);
            var floors = accepted.Select(a => a.Message).OfType<AgentStatus>()
                .SelectMany(s => (s.Health?.OutboxFloors ?? []).Select(f => (s.Agent, Boot: f.Boot.Value, f.Seq))).ToList();
            await sequences.EnsureKnownLoadedAsync(db, floors.Select(f => (f.Agent, f.Boot)), cancellationToken);
            await clock.EnsureLoadedAsync(db, accepted.Select(a => (a.Message.Agent, a.Message.Boot.Value)), cancellationToken);
            metrics.Lost.Add(sequences.MarkNoted(now));
            foreach (var item in accepted)
            {
                Process(item, now, latest, work);
            }

            // After the batch's data, so a floor does not give up a seq that came in the same batch.
            foreach (var (agent, boot, seq) in floors)
            {
                GiveUpBelow(agent, boot, seq);
            }

            await PlaceHeldReadingsAsync(db, work, cancellationToken);
            if (work.Readings.Count > 0)
            {
                await store.WriteAsync(work.Readings, cancellationToken);
            }

            await StageAsync(db, work, now, cancellationToken);
            await DeadLetterRows.SaveChangesWithAsync(db, work.DeadLetters, cancellationToken);
            foreach (var state in _states)
            {
                state.Committed();
            }
        }
        catch
        {
            foreach (var state in _states)
            {
                state.RolledBack();
            }

            db.ChangeTracker.Clear();
            throw;
        }

        // Only now is it true: the agents may let go of what the watermarks pass.
        watermarks.Offer(sequences.TakeWatermarks());
        await Acknowledgements.SendAsync(batch, logger, cancellationToken);

        // The rules see what was stored; if they fall behind, this waits (bounded hand-over).
        if (work.Readings.Count + work.Events.Count + work.Statuses.Count + floods.Count > 0)
        {
            await stored.StoredAsync(new StoredBatch(work.Readings, work.Events, work.Statuses, floods), cancellationToken);
        }
        if (batch.Count > 0)
        {
            metrics.BatchSize.Record(batch.Count);
        }

        metrics.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        metrics.Readings.Add(work.Readings.Count);
        stats.Record(batch.Count, work.Readings.Count, work.Refused, work.Duplicates, work.Unplaced.Count, now);
    }

    private void Process(Accepted item, DateTimeOffset now, DateTimeOffset latest, BatchContents work)
    {
        var (message, uplink, agent) = item;
        if (uplink is AgentStatus status)
        {
            work.Statuses.Add((status, message.ReceivedAt));
            clock.Observe(status, message.ReceivedAt, message.Retained);
            return;
        }

        var agentId = uplink.Agent;
        var bootId = uplink.Boot.Value;
        if (sequences.IsClosed(agentId, bootId))
        {
            sequences.RefusedClosed(agentId, bootId, now);
            work.DeadLetter(message, agentId, $"boot '{bootId}' of agent '{agentId}' is closed: the agent started more than {options.Value.MaxLiveBootsPerAgent} live boots since, and its missing messages were counted lost", options.Value.DeadLetterPayloadBytes);
            return;
        }

        var verdict = sequences.Observe(agentId, bootId, uplink.Seq, now, out var lost);
        if (lost > 0)
        {
            metrics.Lost.Add(lost);
            LogLost(logger, lost, agentId, bootId);
        }

        if (verdict == SeqVerdict.Duplicate)
        {
            work.Duplicates++;
            metrics.Duplicates.Add(1);
            return;
        }

        switch (uplink)
        {
            case TelemetryBatch telemetry:
                if (telemetry.Clock is { } synced)
                {
                    // Places this boot's held boot-relative readings too, when no status of the boot ever came (a boot spent offline).
                    clock.Observe(agentId, uplink.Boot, synced);
                }

                List<string>? unknown = null;
                foreach (var reading in telemetry.Readings)
                {
                    // A sensor of a device the manifest does not list would open a series of its own: refused, named in one dead letter.
                    if (!agent.DeviceIds.Contains(reading.Sensor.Device))
                    {
                        (unknown ??= []).Add(reading.Sensor.Value);
                        continue;
                    }

                    var at = reading.At ?? clock.Place(agentId, bootId, reading.BootMs!.Value);
                    if (at is { } placed)
                    {
                        AddReading(work, agent, uplink.Agent, reading.Sensor, reading.Quantity, reading.Value, placed, now, latest, message);
                    }
                    else
                    {
                        work.Unplaced.Add(new UnplacedReading
                        {
                            AgentId = agentId, BootId = bootId, CourtyardId = agent.Courtyard.Id, SensorId = reading.Sensor.Value,
                            Quantity = WireNames.Of(reading.Quantity), Value = reading.Value, BootMs = reading.BootMs!.Value, ReceivedAt = message.ReceivedAt,
                        });
                    }
                }

                if (unknown is not null)
                {
                    var names = string.Join(", ", unknown.Distinct().Take(10).Select(n => $"'{n}'"));
                    work.DeadLetter(message, agentId, $"{unknown.Count} readings of sensors not in agent '{agentId}''s manifest refused ({names}); its other {telemetry.Readings.Count - unknown.Count} readings were stored", options.Value.DeadLetterPayloadBytes);
                }

                break;
            case DeviceEvent:
                // The inbox routes every valid event to the event lane; one here would be stored by neither dedupe.
                throw new UnreachableException($"a device event of agent '{agentId}' reached the telemetry lane; events are stored by {nameof(EventBatch)}");
            case CommandResult r:
                work.Results.Add(new CommandResultRecord
                {
                    AgentId = agentId, CommandId = r.Command.Value, Ok = r.Ok, Error = r.Error,
                    At = r.At ?? clock.Place(agentId, bootId, r.BootMs!.Value) ?? message.ReceivedAt, ReceivedAt = message.ReceivedAt,
                });
                break;
        }
    }

    // An outbox floor: the agent holds nothing below it that the cloud lacks, so what is still missing is gone.
    private void GiveUpBelow(AgentId agent, string boot, long floor)
    {
        var lost = sequences.GiveUpBelow(agent, boot, floor);
        if (lost > 0)
        {
            metrics.Lost.Add(lost);
            LogFloor(logger, lost, agent, boot, floor);
        }
    }

    // A boot anchor can be off; never store a reading before 2020 or after latest (Clocks.LatestOf: the wall clock, should
    // business time run behind it on purpose, a demo's replayed week).
    private void AddReading(BatchContents work, RegisteredAgent agent, AgentId agentId, SensorId sensor, Quantity quantity, double value, DateTimeOffset at, DateTimeOffset now, DateTimeOffset latest, IncomingMessage? message)
    {
        if (at < MessageLimits.EarliestTime || at > latest + MessageLimits.MaxFutureSkew)
        {
            if (message is not null)
            {
                work.DeadLetter(message, agentId, $"reading of {sensor} placed at {at:O}, outside 2020..now", options.Value.DeadLetterPayloadBytes);
            }

            return;
        }

        work.Readings.Add(new StoredReading(agent.Courtyard.Id, agentId, sensor, quantity, value, at));
        metrics.Lag.Record((now - at).TotalSeconds);
    }

    // Readings held because their boot had no anchor: place those whose boot got one in this batch.
    private async Task PlaceHeldReadingsAsync(CloudDb db, BatchContents work, CancellationToken cancellationToken)
    {
        var snapshot = registry.Current;
        var (now, latest) = (time.GetUtcNow(), Operations.Clocks.LatestOf(time));
        foreach (var (agent, boot) in clock.Changed)
        {
            var held = await db.UnplacedReadings.Where(u => u.AgentId == agent && u.BootId == boot).ToListAsync(cancellationToken);
            var newlyHeld = work.Unplaced.Where(u => u.AgentId == agent && u.BootId == boot).ToList();
            foreach (var u in held.Concat(newlyHeld))
            {
                if (snapshot is not null && snapshot.Agents.TryGetValue(agent, out var registered)
                    && WireNames.TryParse<Quantity>(u.Quantity, out var quantity) && clock.Place(agent, boot, u.BootMs) is { } at)
                {
                    AddReading(work, registered, registered.Manifest.Id, SensorId.Parse(u.SensorId), quantity, u.Value, at, now, latest, null);
                }
            }

            db.UnplacedReadings.RemoveRange(held);
            work.Unplaced.RemoveAll(newlyHeld.Contains);
            if (held.Count + newlyHeld.Count > 0)
            {
                LogPlaced(logger, held.Count + newlyHeld.Count, agent, boot);
            }
        }
    }

    private async Task StageAsync(CloudDb db, BatchContents work, DateTimeOffset now, CancellationToken cancellationToken)
    {
        db.DeviceEvents.AddRange(work.Events);
        db.CommandResults.AddRange(work.Results);
        db.UnplacedReadings.AddRange(work.Unplaced);
        metrics.Unplaced.Add(work.Unplaced.Count);
        foreach (var state in _states)
        {
            await state.StageAsync(db, now, cancellationToken);
        }

        await StagePresenceAsync(db, work, cancellationToken);
    }

    // Presence and config state from status messages, in arrival order; within a boot an older status never wins.
    private static async Task StagePresenceAsync(CloudDb db, BatchContents work, CancellationToken cancellationToken)
    {
        if (work.Statuses.Count == 0)
        {
            return;
        }

        var ids = work.Statuses.Select(s => s.Status.Agent).Distinct().ToList();
        var presence = await db.Presence.Where(p => ids.Contains(p.AgentId)).ToDictionaryAsync(p => p.AgentId, cancellationToken);
        var agents = await db.Agents.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        foreach (var (status, receivedAt) in work.Statuses)
        {
            var id = status.Agent;
            var state = status.State;
            if (!presence.TryGetValue(id, out var row))
            {
                row = new AgentPresence { AgentId = id, State = state, BootId = status.Boot.Value, Since = receivedAt };
                presence[id] = row;
                db.Presence.Add(row);
            }
            else if (row.BootId == status.Boot.Value && status.Seq < row.StatusSeq)
            {
                continue;
            }

            if (row.State != state)
            {
                row.Since = receivedAt;
            }

            row.State = state;
            row.BootId = status.Boot.Value;
            row.StatusSeq = status.Seq;
            row.LastSeen = receivedAt;
            row.AgentVersion = status.AgentVersion;
            row.ClockSynced = status.ClockSynced;
            row.Reason = status.Reason is { } reason ? WireNames.Of(reason) : null;
            row.HealthJson = status.Health is { } health ? JsonSerializer.Serialize(health, HealthJson.Options) : row.HealthJson;

            if (agents.TryGetValue(id, out var agent))
            {
                // The status is the agent's whole word on its config: what it runs, and what it last refused, if anything.
                agent.AppliedHash = status.ConfigHash ?? agent.AppliedHash;
                agent.RejectedHash = status.RejectedConfig?.Hash;
                agent.RejectedReasons = status.RejectedConfig is { } rejected ? string.Join("\n", rejected.Reasons) : null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} messages of {Agent} boot {Boot} never arrived and are counted lost")]
    private static partial void LogLost(ILogger logger, long count, AgentId agent, string boot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} messages of {Agent} boot {Boot} are counted lost: the agent no longer holds anything below seq {Floor} (its outbox floor)")]
    private static partial void LogFloor(ILogger logger, long count, AgentId agent, string boot, long floor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Placed {Count} held boot-relative readings of {Agent} boot {Boot}")]
    private static partial void LogPlaced(ILogger logger, int count, AgentId agent, string boot);

}

/// <summary>JSON for the health column.</summary>
internal static class HealthJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
