using System.Text.Json;
using Iot.Cloud.Api;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Patrols;

/// <summary>A plan as the API shows it: the courtyards in the caller's scope only.</summary>
public sealed record PlanView(string Block, string Community, PatrolFrequency Frequency, IReadOnlyList<string> Courtyards, IReadOnlyList<string> Items, DateTimeOffset Since, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    public static PlanView Of(PatrolPlan p, AccessScope scope) =>
        new(p.BlockId, p.CommunityId, p.Frequency, [.. p.Courtyards.Where(c => scope.Courtyard(c)).Select(c => c.Value)], p.Items, p.Since, p.UpdatedAt, p.UpdatedBy);
}

/// <summary>A round as the API lists it.</summary>
public sealed record RoundView(long Id, string Courtyard, string Block, DateTimeOffset WalkedAt, DateTimeOffset ReceivedAt, string By, StaffRole ByRole, int Failed, IReadOnlyList<CheckView> Checks);

/// <summary>One checklist answer of a round.</summary>
public sealed record CheckView(string Item, bool Ok, string? Note, long? WorkOrderId);

/// <summary>
/// Block patrols: plans (the committee keeps them), rounds (anyone signed in walks the courtyards in their scope, from
/// the phone page <c>/patrol</c>), and the record of rounds due and missed.
/// </summary>
public static class PatrolsApi
{
    public static IEndpointRouteBuilder MapPatrolsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/patrols").WithTags("Patrols").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Staff);
        api.MapGet("/plans", Plans);
        api.MapPut("/plans/{block}", SavePlan).RequireAuthorization(Policies.Supervise);
        api.MapGet("/rounds", Rounds);
        api.MapPost("/rounds", Walk).DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(PhotoReducer.MaxUploadBytes)).WithFormOptions(multipartBodyLengthLimit: PhotoReducer.MaxUploadBytes);
        api.MapGet("/record", Record);
        return app;
    }

    private static async Task<Ok<List<PlanView>>> Plans(CloudDb db, AccessScope scope, CancellationToken ct)
    {
        var plans = await db.PatrolPlans.AsNoTracking().OrderBy(p => p.BlockId).ToListAsync(ct);
        return TypedResults.Ok(plans.Where(p => p.Courtyards.Any(c => scope.Courtyard(c))).Select(p => PlanView.Of(p, scope)).ToList());
    }

    private static async Task<Results<Ok<PlanView>, NotFound, ProblemHttpResult>> SavePlan(string block, PlanRequest body, CloudDb db, AccessScope scope, PatrolService patrols, CancellationToken ct)
    {
        var (plan, refusal) = await patrols.SavePlanAsync(db, scope, block, body, ct);
        return (plan, refusal) switch
        {
            ({ } saved, _) => TypedResults.Ok(PlanView.Of(saved, scope)),
            (_, { } problem) => Problems.Bad(problem.Field, problem.Problem),
            _ => TypedResults.NotFound(), // no such block, or another community's
        };
    }

    private static async Task<Results<Ok<List<RoundView>>, ProblemHttpResult>> Rounds(CloudDb db, AccessScope scope, CourtyardId? courtyard, DateTimeOffset? from, DateTimeOffset? to, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
        {
            return Problems.Bad("limit", $"limit is between 1 and 1000");
        }

        var ids = scope.CourtyardIds.Where(c => courtyard is null || c == courtyard).ToList();
        var all = scope.SeesEverything && courtyard is null;
        var rounds = await db.PatrolRounds.AsNoTracking().Include(r => r.Checks)
            .Where(r => (all || ids.Contains(r.CourtyardId)) && (from == null || r.WalkedAt >= from) && (to == null || r.WalkedAt < to))
            .OrderByDescending(r => r.WalkedAt).ThenByDescending(r => r.Id).Take(limit ?? 100).ToListAsync(ct);
        return TypedResults.Ok(rounds.Select(r => new RoundView(r.Id, r.CourtyardId.Value, r.BlockId, r.WalkedAt, r.ReceivedAt, r.By, r.ByRole, r.Failed,
            [.. r.Checks.OrderBy(c => c.Id).Select(c => new CheckView(c.Item, c.Ok, c.Note, c.WorkOrderId))])).ToList());
    }

    // Multipart: the round as JSON in the field "round", and one photo per failed item in "photo.{item}".
    private static async Task<Results<Created<RoundReceipt>, Ok<RoundReceipt>, ProblemHttpResult>> Walk(HttpRequest request, Work work, AccessScope scope, PatrolService patrols, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problems.Bad("round", $"send the round as multipart/form-data: the round as JSON in the field 'round', a photo per failed item in 'photo.<item>'");
        }

        var form = await request.ReadFormAsync(ct);
        RoundRequest? body;
        try
        {
            body = JsonSerializer.Deserialize<RoundRequest>(form["round"].ToString(), JsonOptions);
        }
        catch (JsonException e)
        {
            return Problems.Bad("round", $"the field 'round' is not a round in JSON: {e.Message}");
        }

        if (body is null)
        {
            return Problems.Bad("round", $"the field 'round' is missing");
        }

        var photos = new Dictionary<string, ReducedPhoto>(StringComparer.Ordinal);
        foreach (var file in form.Files)
        {
            if (!file.Name.StartsWith("photo.", StringComparison.Ordinal) || photos.ContainsKey(file.Name[6..]))
            {
                return Problems.Bad(file.Name, $"one photo per failed item, in the field 'photo.<item>'");
            }

            var (photo, problem) = await Photos.ReadAsync(file, ct);
            if (photo is null)
            {
                return Problems.Bad(file.Name, problem!);
            }

            photos[file.Name[6..]] = photo;
        }

        var db = work.Db;
        var team = await db.Users.AsNoTracking().Where(u => u.UserName == scope.Name).Select(u => u.TeamId).FirstOrDefaultAsync(ct);
        RoundReceipt? receipt;
        bool isNew;
        List<WorkOrderChange> changes;
        (string Field, FormattableString Problem)? refusal;
        try
        {
            (receipt, isNew, changes, refusal) = await patrols.SubmitAsync(db, scope, team, body, photos, ct);
        }
        catch (DbUpdateException) when (body.Key is not null)
        {
            // The same round arrived twice at the same moment (the phone's queue and a tap): the other request saved it.
            db.ChangeTracker.Clear();
            (receipt, isNew, changes, refusal) = await patrols.SubmitAsync(db, scope, team, body, photos, ct);
        }

        if (receipt is null)
        {
            return Problems.Bad(refusal!.Value.Field, refusal.Value.Problem);
        }

        if (!isNew)
        {
            return TypedResults.Ok(receipt);
        }

        await work.RaiseAsync(new OrdersChanged(changes), ct);
        await work.SaveAsync(ct);
        return TypedResults.Created($"/api/patrols/rounds/{receipt.Id}", receipt);
    }

    private static async Task<Results<Ok<List<PatrolFigures>>, ProblemHttpResult>> Record(CloudDb db, AccessScope scope, PatrolRecord record, TimeProvider time, DateTimeOffset? from, DateTimeOffset? to, string? groupBy, CancellationToken ct)
    {
        if (groupBy is not (null or "party" or "block"))
        {
            return Problems.Bad("groupBy", $"groupBy is party or block");
        }

        if (!Dates.Plausible(from) || !Dates.Plausible(to))
        {
            return Problems.Bad("from", $"from and to are times between 2000 and 2200");
        }

        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-30);
        if (start >= end || end - start > TimeSpan.FromDays(400))
        {
            return Problems.Bad("from", $"the period runs forwards and is at most 400 days");
        }

        return TypedResults.Ok(await record.ComputeAsync(db, start, end, groupBy == "block", c => scope.Courtyard(c), null, ct));
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
