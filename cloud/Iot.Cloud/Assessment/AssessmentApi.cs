using Iot.Cloud.Api;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Assessment;

/// <summary>
/// The monthly assessment: sheets and trends for those who may see the party, the committee's score and sign-off,
/// the party's answers to a notice and the committee's close, the street office's thresholds and exit reviews.
/// </summary>
public static class AssessmentApi
{
    public static IEndpointRouteBuilder MapAssessmentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/assessment").WithTags("Assessment").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Staff);
        api.MapGet("/sheets", Sheets);
        api.MapGet("/parties/{party}", Party).ForParty();
        api.MapPost("/parties/{party}/months/{month}/score", Score).RequireAuthorization(Policies.Supervise).ForParty();
        api.MapPost("/parties/{party}/months/{month}/sign", Sign).RequireAuthorization(Policies.Supervise).ForParty();
        api.MapGet("/notices", Notices);
        api.MapPost("/notices/{id:long}/answer", Answer).RequireAuthorization(Policies.Work).ForNotice(); // the party answers (and the street office)
        api.MapPost("/notices/{id:long}/close", Close).RequireAuthorization(Policies.Supervise).ForNotice();
        api.MapGet("/thresholds", async (CloudDb db, CancellationToken ct) => TypedResults.Ok(ThresholdsView.Of(await AssessmentService.ThresholdsAsync(db, ct))));
        api.MapPut("/thresholds", SetThresholds).RequireAuthorization(Policies.StreetAdmin);
        api.MapGet("/exit-reviews", ExitReviews).RequireAuthorization(Policies.StreetAdmin);
        api.MapPost("/exit-reviews/{id:long}/decide", Decide).RequireAuthorization(Policies.StreetAdmin);
        return app;
    }

    private static async Task<Results<Ok<List<SheetView>>, ProblemHttpResult>> Sheets(string? month, CloudDb db, AccessScope scope, SiteRegistry registry, AssessmentService assessment, CancellationToken ct)
    {
        var wanted = assessment.ThisMonth.AddMonths(-1);
        if (month is not null && !AssessmentRules.TryParseMonth(month, out wanted))
        {
            return Problems.Bad("month", $"month is yyyy-MM, for example 2026-11");
        }

        var parties = scope.AssessedParties(registry.Site).ToDictionary(p => p.Id.Value, p => p.Name);
        var ids = parties.Keys.ToArray();
        var sheets = await db.AssessmentSheets.AsNoTracking().Where(s => s.Month == wanted && ids.Contains(s.PartyId)).ToListAsync(ct);
        return TypedResults.Ok(sheets.OrderBy(s => s.PartyId, StringComparer.Ordinal).Select(s => SheetView.Of(s, parties[s.PartyId])).ToList());
    }

    private static async Task<Ok<PartyAssessment>> Party(string party, CloudDb db, SiteRegistry registry, AssessmentService assessment, CancellationToken ct)
    {
        var since = assessment.ThisMonth.AddMonths(-12);
        var name = NameOf(registry, party);
        var sheets = await db.AssessmentSheets.AsNoTracking().Where(s => s.PartyId == party && s.Month >= since).OrderBy(s => s.Month).ToListAsync(ct);
        var notices = await db.RectificationNotices.AsNoTracking().Include(n => n.Items).Where(n => n.PartyId == party).OrderByDescending(n => n.Id).ToListAsync(ct);
        return TypedResults.Ok(new PartyAssessment(party, name, sheets.Select(s => SheetView.Of(s, name)).ToList(), notices.Select(NoticeView.Of).ToList()));
    }

    private static async Task<Results<Ok<SheetView>, NotFound, ProblemHttpResult>> Score(
        string party, string month, ScoreRequest body, HttpContext http, CloudDb db, SiteRegistry registry, AssessmentService assessment, CancellationToken ct)
    {
        if (!AssessmentRules.TryParseMonth(month, out var when))
        {
            return Problems.Bad("month", $"month is yyyy-MM, for example 2026-11");
        }

        if (body.CommitteeScore is < 0 or > 100)
        {
            return Problems.Bad("committeeScore", $"committeeScore is 0 to 100");
        }

        if (body.Remarks?.Length > AssessmentRules.MaxText)
        {
            return Problems.Bad("remarks", $"remarks are at most 2000 characters");
        }

        var sheet = await assessment.ScoreAsync(db, party, when, body.CommitteeScore, body.Remarks, Actor.Of(http), ct);
        if (sheet is null)
        {
            return Problems.Bad("month", $"the month has not begun");
        }

        if (sheet.IsSigned)
        {
            return Problems.Conflict($"the sheet is signed off already: its score and grade are fixed");
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(SheetView.Of(sheet, NameOf(registry, party)));
    }

    private static async Task<Results<Ok<SignOffView>, ProblemHttpResult>> Sign(string party, string month, HttpContext http, CloudDb db, SiteRegistry registry, AssessmentService assessment, CancellationToken ct)
    {
        if (!AssessmentRules.TryParseMonth(month, out var when))
        {
            return Problems.Bad("month", $"month is yyyy-MM, for example 2026-11");
        }

        var signed = await assessment.SignAsync(db, party, when, Actor.Of(http), ct);
        if (signed.Refusal is { } refusal)
        {
            return Problems.Conflict(Problems.Text(refusal));
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new SignOffView(SheetView.Of(signed.Sheet!, NameOf(registry, party)), signed.Notice is null ? null : NoticeView.Of(signed.Notice), signed.Review is null ? null : ExitReviewView.Of(signed.Review)));
    }

    private static async Task<Ok<List<NoticeView>>> Notices(bool? open, CloudDb db, AccessScope scope, SiteRegistry registry, CancellationToken ct)
    {
        var ids = scope.AssessedParties(registry.Site).Select(p => p.Id.Value).ToArray();
        var notices = await db.RectificationNotices.AsNoTracking().Include(n => n.Items)
            .Where(n => ids.Contains(n.PartyId) && (open != true || n.ClosedAt == null)).OrderByDescending(n => n.Id).Take(500).ToListAsync(ct);
        return TypedResults.Ok(notices.Select(NoticeView.Of).ToList());
    }

    private static async Task<Results<Ok<NoticeView>, ProblemHttpResult>> Answer(long id, AnswerRequest body, HttpContext http, CloudDb db, AssessmentService assessment, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Note) || body.Note.Length > AssessmentRules.MaxText)
        {
            return Problems.Bad("note", $"a note saying what was done (1 to 2000 characters) is required");
        }

        var notice = await db.RectificationNotices.Include(n => n.Items).SingleAsync(n => n.Id == id, ct);
        if (!notice.IsOpen)
        {
            return Problems.Conflict($"the notice is closed");
        }

        if (!assessment.Answer(db, notice, body.Item, body.Note.Trim(), Actor.Of(http)))
        {
            return Problems.Bad("item", $"the notice has no item {body.Item}");
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(NoticeView.Of(notice));
    }

    private static async Task<Results<Ok<NoticeView>, ProblemHttpResult>> Close(long id, NoteRequest body, HttpContext http, CloudDb db, AssessmentService assessment, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Note) || body.Note.Length > AssessmentRules.MaxText)
        {
            return Problems.Bad("note", $"a note saying what was checked (1 to 2000 characters) is required");
        }

        var notice = await db.RectificationNotices.Include(n => n.Items).SingleAsync(n => n.Id == id, ct);
        if (!notice.IsOpen)
        {
            return Problems.Conflict($"the notice is closed");
        }

        assessment.Close(db, notice, body.Note.Trim(), Actor.Of(http));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(NoticeView.Of(notice));
    }

    private static async Task<Results<Ok<ThresholdsView>, ProblemHttpResult>> SetThresholds(ThresholdsView body, HttpContext http, CloudDb db, AssessmentService assessment, CancellationToken ct)
    {
        var wanted = body.ToThresholds();
        if (wanted.Problems().FirstOrDefault() is { Field: { } field, Problem: { } problem })
        {
            return Problems.Bad(field, Problems.Text(problem));
        }

        var saved = await assessment.SetThresholdsAsync(db, wanted, Actor.Of(http), ct);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ThresholdsView.Of(saved));
    }

    private static async Task<Ok<List<ExitReviewView>>> ExitReviews(bool? open, CloudDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.ExitReviews.AsNoTracking().Where(r => open != true || r.Decision == null).OrderByDescending(r => r.Id).Take(500).ToListAsync(ct))
            .Select(ExitReviewView.Of).ToList());

    private static async Task<Results<Ok<ExitReviewView>, NotFound, ProblemHttpResult>> Decide(long id, DecideRequest body, HttpContext http, CloudDb db, AssessmentService assessment, CancellationToken ct)
    {
        if (body.Decision is null)
        {
            return Problems.Bad("decision", $"decision is stay or exit");
        }

        if (string.IsNullOrWhiteSpace(body.Note) || body.Note.Length > AssessmentRules.MaxText)
        {
            return Problems.Bad("note", $"a note giving the reasons (1 to 2000 characters) is required");
        }

        if (await db.ExitReviews.SingleOrDefaultAsync(r => r.Id == id, ct) is not { } review)
        {
            return TypedResults.NotFound();
        }

        if (!review.IsOpen)
        {
            return Problems.Conflict($"the review is decided already");
        }

        assessment.Decide(db, review, body.Decision.Value, body.Note.Trim(), Actor.Of(http));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ExitReviewView.Of(review));
    }

    private static string NameOf(SiteRegistry registry, string party) => registry.Site?.Manifest.Parties.FirstOrDefault(p => p.Id.Value == party)?.Name ?? party;

    // The party in the route must be one the caller may see; anything else is answered as if it did not exist.
    private static RouteHandlerBuilder ForParty(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var services = context.HttpContext.RequestServices;
            var site = services.GetRequiredService<SiteRegistry>().Site;
            var party = context.HttpContext.GetRouteValue("party") as string;
            return party is not null && services.GetRequiredService<AccessScope>().AssessedParties(site).Any(p => p.Id.Value == party)
                ? await next(context) : TypedResults.NotFound();
        });

    // The notice in the route must be of a party the caller may see.
    private static RouteHandlerBuilder ForNotice(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var services = context.HttpContext.RequestServices;
            var id = long.TryParse(context.HttpContext.GetRouteValue("id") as string, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1;
            var party = await services.GetRequiredService<CloudDb>().RectificationNotices.AsNoTracking().Where(x => x.Id == id).Select(x => x.PartyId).SingleOrDefaultAsync(context.HttpContext.RequestAborted);
            return party is not null && services.GetRequiredService<AccessScope>().SeesParty(party, services.GetRequiredService<SiteRegistry>().Site)
                ? await next(context) : TypedResults.NotFound();
        });
}
