using System.Globalization;
using Iot.Cloud.Assessment;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Dashboards;
using Iot.Cloud.Web.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Pages.Dashboard;

/// <summary>
/// The monthly assessment (月度考核): each party's sheet for a month, its trend over twelve months and the open notices,
/// for everyone within their scope. The committee scores and signs off here and closes notices; the party answers its
/// notice; the street office sets the thresholds and decides exit reviews. Each form does what the API does.
/// </summary>
public sealed class AssessmentModel(AssessmentBoard board, AssessmentService assessment, CloudDb db, AccessScope scope, SiteRegistry registry, Lang lang) : PageModel
{
    public DateOnly Month { get; private set; }

    public string MonthText => AssessmentRules.Text(Month);

    /// <summary>Each party's last twelve months up to <see cref="Month"/>.</summary>
    public List<PartyMonths> Trend { get; private set; } = [];

    public List<(RectificationNotice Notice, string PartyName)> Notices { get; private set; } = [];

    public List<(ExitReview Review, string PartyName)> Reviews { get; private set; } = [];

    public GradeThresholds Thresholds { get; private set; } = new();

    /// <summary>The committee of the community (and the street office) scores, signs off and closes notices.</summary>
    public bool MaySupervise => scope.Role is StaffRole.CommunitySupervisor or StaffRole.StreetAdmin;

    /// <summary>The party (and the street office) answers its notices.</summary>
    public bool MayAnswer => scope.IsPartyRole || scope.SeesEverything;

    public bool IsStreetOffice => scope.SeesEverything;

    /// <summary>What the last form did, or why it was refused (in the page's language).</summary>
    public string? Done { get; private set; }

    public string? Refused { get; private set; }

    public async Task OnGetAsync(string? month, string? done, CancellationToken ct)
    {
        Done = done switch
        {
            "score" => lang["The committee's score is saved."],
            "sign" => lang["The sheet is signed off: its grade is fixed."],
            "answer" => lang["Your answer is recorded."],
            "close" => lang["The notice is closed."],
            "thresholds" => lang["The thresholds are saved."],
            "decide" => lang["The decision is recorded."],
            _ => null,
        };
        await LoadAsync(month, ct);
    }

    public async Task<IActionResult> OnPostScoreAsync(string party, string? month, int? committeeScore, string? remarks, CancellationToken ct)
    {
        if (!MaySupervise)
        {
            return Forbid();
        }

        if (!SeesParty(party) || !AssessmentRules.TryParseMonth(month, out var when))
        {
            return NotFound();
        }

        if (committeeScore is not (>= 0 and <= 100) || remarks?.Length > AssessmentRules.MaxText)
        {
            return await RefuseAsync(month, lang["The committee's score is a whole number from 0 to 100; remarks are at most 2000 characters."], ct);
        }

        var sheet = await assessment.ScoreAsync(db, party, when, committeeScore.Value, remarks, User.Identity!.Name!, ct);
        if (sheet is null || sheet.IsSigned)
        {
            return await RefuseAsync(month, lang["This sheet cannot be scored: it is signed off, or its month has not begun."], ct, StatusCodes.Status409Conflict);
        }

        await db.SaveChangesAsync(ct);
        return Back(month, "score");
    }

    public async Task<IActionResult> OnPostSignAsync(string party, string? month, CancellationToken ct)
    {
        if (!MaySupervise)
        {
            return Forbid();
        }

        if (!SeesParty(party) || !AssessmentRules.TryParseMonth(month, out var when))
        {
            return NotFound();
        }

        var signed = await assessment.SignAsync(db, party, when, User.Identity!.Name!, ct);
        if (signed.Refusal is not null)
        {
            return await RefuseAsync(month, lang["This sheet cannot be signed off: score it first, after its month has ended, and only once."], ct, StatusCodes.Status409Conflict);
        }

        await db.SaveChangesAsync(ct);
        return Back(month, "sign");
    }

    public async Task<IActionResult> OnPostAnswerAsync(long notice, long item, string? note, string? month, CancellationToken ct)
    {
        if (!MayAnswer)
        {
            return Forbid();
        }

        if (await FindNoticeAsync(notice, ct) is not { } found)
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(note) || note.Length > AssessmentRules.MaxText || !found.IsOpen || !assessment.Answer(db, found, item, note.Trim(), User.Identity!.Name!))
        {
            return await RefuseAsync(month, lang["Write what was done (at most 2000 characters) on an item of an open notice."], ct);
        }

        await db.SaveChangesAsync(ct);
        return Back(month, "answer");
    }

    public async Task<IActionResult> OnPostCloseAsync(long notice, string? note, string? month, CancellationToken ct)
    {
        if (!MaySupervise)
        {
            return Forbid();
        }

        if (await FindNoticeAsync(notice, ct) is not { } found)
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(note) || note.Length > AssessmentRules.MaxText || !found.IsOpen)
        {
            return await RefuseAsync(month, lang["Write what was checked (at most 2000 characters) to close an open notice."], ct);
        }

        assessment.Close(db, found, note.Trim(), User.Identity!.Name!);
        await db.SaveChangesAsync(ct);
        return Back(month, "close");
    }

    public async Task<IActionResult> OnPostThresholdsAsync(double? excellent, double? satisfactory, double? needsRectification, int? noticeDays, string? month, CancellationToken ct)
    {
        if (!IsStreetOffice)
        {
            return Forbid();
        }

        var wanted = new GradeThresholds { Excellent = excellent ?? -1, Satisfactory = satisfactory ?? -1, NeedsRectification = needsRectification ?? -1, NoticeDays = noticeDays ?? 0 };
        if (wanted.Problems().Any())
        {
            return await RefuseAsync(month, lang["Thresholds are scores from 0 to 100, each below the one above it; a notice runs 1 to 180 days."], ct);
        }

        await assessment.SetThresholdsAsync(db, wanted, User.Identity!.Name!, ct);
        await db.SaveChangesAsync(ct);
        return Back(month, "thresholds");
    }

    public async Task<IActionResult> OnPostDecideAsync(long review, ExitDecision? decision, string? note, string? month, CancellationToken ct)
    {
        if (!IsStreetOffice)
        {
            return Forbid();
        }

        if (await db.ExitReviews.SingleOrDefaultAsync(r => r.Id == review, ct) is not { } found)
        {
            return NotFound();
        }

        if (decision is null || string.IsNullOrWhiteSpace(note) || note.Length > AssessmentRules.MaxText || !found.IsOpen)
        {
            return await RefuseAsync(month, lang["Choose a decision and give the reasons (at most 2000 characters) for an open review."], ct);
        }

        assessment.Decide(db, found, decision.Value, note.Trim(), User.Identity!.Name!);
        await db.SaveChangesAsync(ct);
        return Back(month, "decide");
    }

    private async Task LoadAsync(string? month, CancellationToken ct)
    {
        Month = AssessmentRules.TryParseMonth(month, out var wanted) && wanted <= board.LastMonth.AddMonths(1) ? wanted : board.LastMonth;
        Trend = await board.MonthsAsync(Month, 12, ct);
        Notices = await board.OpenNoticesAsync(ct);
        Reviews = await board.ExitReviewsAsync(ct);
        Thresholds = await board.ThresholdsAsync(ct);
    }

    private async Task<IActionResult> RefuseAsync(string? month, string why, CancellationToken ct, int status = StatusCodes.Status400BadRequest)
    {
        db.ChangeTracker.Clear();
        Refused = why;
        await LoadAsync(month, ct);
        Response.StatusCode = status;
        return Page();
    }

    private RedirectResult Back(string? month, string done) =>
        Redirect($"/dashboard/assessment?month={Uri.EscapeDataString(AssessmentRules.TryParseMonth(month, out var m) ? AssessmentRules.Text(m) : string.Empty)}&done={done}");

    private bool SeesParty(string? party) => party is not null && scope.AssessedParties(registry.Site).Any(p => p.Id.Value == party);

    private async Task<RectificationNotice?> FindNoticeAsync(long id, CancellationToken ct)
    {
        var notice = await db.RectificationNotices.Include(n => n.Items).SingleOrDefaultAsync(n => n.Id == id, ct);
        return notice is not null && scope.SeesParty(notice.PartyId, registry.Site) ? notice : null;
    }

    public Task<Orders.OrderWords> WordsAsync(CancellationToken ct) => board.WordsAsync(ct);

    /// <summary>A figure with nothing to measure is "—".</summary>
    public static string Of(int? part, int? whole) => part is null || whole is null ? "—" : string.Create(CultureInfo.InvariantCulture, $"{part} / {whole}");
}
