using System.Text;
using Iot.Cloud.Api;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Ingest;

/// <summary>What ingest accepted, refused and lost: totals, dead letters with reasons, sequence gaps per agent.</summary>
public static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/ingest").WithTags("Ingest").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.StreetAdmin);
        api.MapGet("/stats", Stats);
        api.MapGet("/dead-letters", DeadLetters);
        api.MapGet("/sequences", Sequences);
        api.MapGet("/presence", Presence);
        return app;
    }

    private static async Task<Ok<IngestStatsView>> Stats(IngestStats stats, IngestInbox inbox, IngestProcessor processor, EventProcessor events, CloudDb db, CancellationToken ct)
    {
        var sequences = await db.Sequences.AsNoTracking().Select(s => new { s.Lost, s.Duplicates, s.Accepted, Missing = s.MaxSeen - s.Contiguous }).ToListAsync(ct);
        return TypedResults.Ok(new IngestStatsView(
            stats.Messages, stats.Readings, stats.Rejected, stats.Duplicates, stats.Unplaced, stats.Batches, stats.LastBatchAt,
            inbox.Count, processor.IsFailing || events.IsFailing, processor.LastError ?? events.LastError,
            await db.DeadLetters.LongCountAsync(ct),
            await db.UnplacedReadings.LongCountAsync(ct),
            sequences.Sum(s => s.Accepted), sequences.Sum(s => s.Duplicates), sequences.Sum(s => s.Lost)));
    }

    private static async Task<Results<Ok<List<DeadLetterView>>, ProblemHttpResult>> DeadLetters(CloudDb db, AgentId? agent, int? limit, long? before, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
        {
            return Problems.Bad("limit", $"limit is between 1 and 1000");
        }

        var rows = await db.DeadLetters.AsNoTracking()
            .Where(d => (agent == null || d.AgentId == agent) && (before == null || d.Id < before))
            .OrderByDescending(d => d.Id).Take(limit ?? 100).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(d => new DeadLetterView(
            d.Id, d.ReceivedAt, d.Topic, d.AgentId, d.Reason, d.PayloadBytes, Preview(d.Payload), d.Payload.Length < d.PayloadBytes)).ToList());
    }

    private static async Task<Ok<List<SequenceView>>> Sequences(CloudDb db, AgentId? agent, CancellationToken ct)
    {
        var rows = await db.Sequences.AsNoTracking().Where(s => agent == null || s.AgentId == agent).OrderBy(s => s.AgentId).ThenBy(s => s.FirstSeen).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(s => new SequenceView(
            s.AgentId, s.BootId, s.FirstSeen, s.UpdatedAt, s.Contiguous, s.MaxSeen,
            Missing: s.MaxSeen - s.Contiguous - s.SeenAbove.Sum(b => (long)System.Numerics.BitOperations.PopCount(b)),
            s.Lost, s.Accepted, s.Duplicates)).ToList());
    }

    private static async Task<Ok<List<PresenceView>>> Presence(CloudDb db, string? state, CancellationToken ct)
    {
        Iot.Protocol.Messages.Presence? wanted = null;
        if (state is not null)
        {
            if (!WireNames.TryParse<Iot.Protocol.Messages.Presence>(state, out var parsed))
            {
                return TypedResults.Ok(new List<PresenceView>()); // no agent is in a state that does not exist
            }

            wanted = parsed;
        }

        var rows = await db.Presence.AsNoTracking().Where(p => wanted == null || p.State == wanted).OrderBy(p => p.AgentId).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(p => new PresenceView(p.AgentId, WireNames.Of(p.State), p.Since, p.LastSeen, p.BootId, p.Reason)).ToList());
    }

    // Payloads are usually JSON text; show them as text when they are, else as hex.
    private static string Preview(byte[] payload)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(payload);
        }
        catch (DecoderFallbackException)
        {
            return "hex:" + Convert.ToHexString(payload.AsSpan(0, Math.Min(payload.Length, 512)));
        }
    }
}

public sealed record IngestStatsView(
    long MessagesSinceStart, long ReadingsSinceStart, long RejectedSinceStart, long DuplicatesSinceStart, long HeldSinceStart, long Batches, DateTimeOffset? LastBatchAt,
    int QueueDepth, bool StoreFailing, string? StoreError,
    long DeadLettersStored, long ReadingsAwaitingPlacement, long DataMessagesAccepted, long DuplicatesDropped, long SequenceNumbersLost);

public sealed record DeadLetterView(long Id, DateTimeOffset ReceivedAt, string Topic, AgentId? Agent, string Reason, int PayloadBytes, string Payload, bool Truncated);

/// <summary>One boot of one agent: how much of its data sequence arrived. Missing may still come (replays); lost will not.</summary>
public sealed record SequenceView(AgentId Agent, string Boot, DateTimeOffset FirstSeen, DateTimeOffset UpdatedAt, long Contiguous, long MaxSeen, long Missing, long Lost, long Accepted, long Duplicates);

public sealed record PresenceView(AgentId Agent, string State, DateTimeOffset Since, DateTimeOffset LastSeen, string Boot, string? Reason);
