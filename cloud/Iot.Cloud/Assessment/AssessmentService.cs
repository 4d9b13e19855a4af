using System.Globalization;
using Iot.Cloud.Audit;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Patrols;
using Iot.Cloud.Reports;
using Iot.Cloud.Sites;
using Iot.Cloud.Supervision;
using Iot.Cloud.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Assessment;

/// <summary>
/// Computes monthly sheets from the record, takes the committee's score and sign-off, and opens notices and exit
/// reviews as <see cref="AssessmentRules"/> decides. Every change is in the audit log (entity <c>assessment</c>,
/// <c>notice</c>, <c>exitReview</c>, <c>thresholds</c>); the caller saves.
/// </summary>
public sealed class AssessmentService(TimeProvider time, SiteRegistry registry, PatrolRecord patrols)
{
    /// <summary>The site's zone: months are its calendar months.</summary>
    public TimeZoneInfo Zone => registry.Current?.Site.Manifest.TimeZone is { } name && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The month now is in, in the site's calendar.</summary>
    public DateOnly ThisMonth => AssessmentRules.MonthOf(time.GetUtcNow(), Zone);

    public static async Task<GradeThresholds> ThresholdsAsync(CloudDb db, CancellationToken ct) =>
        await db.GradeThresholds.SingleOrDefaultAsync(t => t.Id == GradeThresholds.Current, ct) ?? new GradeThresholds();

    /// <summary>
    /// The party's sheet for the month with its figures computed from the record now (added or refreshed), or the
    /// signed sheet unchanged. Null for a month that has not begun.
    /// </summary>
    public async Task<AssessmentSheet?> ComputeAsync(CloudDb db, string partyId, DateOnly month, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (month > ThisMonth)
        {
            return null;
        }

        // One request may compute, score and sign: the sheet it added is not in the database yet.
        var sheet = db.AssessmentSheets.Local.FirstOrDefault(s => s.PartyId == partyId && s.Month == month)
            ?? await db.AssessmentSheets.SingleOrDefaultAsync(s => s.PartyId == partyId && s.Month == month, ct);
        if (sheet is { IsSigned: true })
        {
            return sheet;
        }

        var from = AssessmentRules.StartOf(month, Zone);
        var to = AssessmentRules.StartOf(month.AddMonths(1), Zone);
        var now = time.GetUtcNow();
        var end = to < now ? to : now;
        var record = await SupervisionApi.LoadAsync(db, AccessScope.Everything, time, patrols, from, end > from ? end : to, "party", partyId, ct);
        var reports = await db.WorkOrders.CountAsync(w => w.PartyId == partyId && w.Source == WorkOrderSource.Resident && w.CreatedAt >= from && w.CreatedAt < to, ct);
        var tally = PatrolTally.Of((await patrols.ComputeAsync(db, from, end > from ? end : to, byBlock: false, _ => true, partyId, ct)).SingleOrDefault(f => f.Key == partyId));

        var isNew = sheet is null;
        sheet ??= db.AssessmentSheets.Add(new AssessmentSheet { PartyId = partyId, Month = month }).Entity;
        AssessmentRules.Fill(sheet, record?.Rows.SingleOrDefault(), reports, await ComplaintsAsync(db, partyId, from, to, ct), tally);
        AssessmentRules.Grade(sheet, await ThresholdsAsync(db, ct));
        sheet.ComputedAt = now;
        sheet.Version++;
        db.AuditLog.Add(AuditEntry.Of(now, actor, "assessment", Key(sheet), isNew ? "computed" : "refreshed", Figures(sheet)));
        return sheet;
    }

    /// <summary>The committee's score (0 to 100) and remarks, on figures refreshed now.</summary>
    public async Task<AssessmentSheet?> ScoreAsync(CloudDb db, string partyId, DateOnly month, int score, string? remarks, string actor, CancellationToken ct)
    {
        var sheet = await ComputeAsync(db, partyId, month, actor, ct);
        if (sheet is null || sheet.IsSigned)
        {
            return sheet;
        }

        sheet.CommitteeScore = score;
        sheet.Remarks = string.IsNullOrWhiteSpace(remarks) ? null : remarks.Trim();
        AssessmentRules.Grade(sheet, await ThresholdsAsync(db, ct));
        db.AuditLog.Add(AuditEntry.Of(time.GetUtcNow(), actor, "assessment", Key(sheet), "scored",
            string.Create(CultureInfo.InvariantCulture, $"committee {score}; score {sheet.Score}; {sheet.Grade}{(sheet.Remarks is null ? string.Empty : "; " + sheet.Remarks)}")));
        return sheet;
    }

    /// <summary>
    /// Signs the sheet off on figures refreshed now: its grade is fixed from here. A 不合格, or a second 需整改 in a row,
    /// opens a rectification notice; a third 不合格 in a row opens an exit review.
    /// </summary>
    public async Task<SignOff> SignAsync(CloudDb db, string partyId, DateOnly month, string actor, CancellationToken ct)
    {
        var sheet = await ComputeAsync(db, partyId, month, actor, ct);
        if (sheet is null || month >= ThisMonth)
        {
            return new SignOff(sheet, null, null, "the month has not ended yet");
        }

        if (sheet.IsSigned)
        {
            return new SignOff(sheet, null, null, "the sheet is signed off already");
        }

        if (sheet.CommitteeScore is null)
        {
            return new SignOff(sheet, null, null, "the committee's score is missing: score it first");
        }

        var now = time.GetUtcNow();
        sheet.SignedAt = now;
        sheet.SignedBy = actor;
        db.AuditLog.Add(AuditEntry.Of(now, actor, "assessment", Key(sheet), "signed", string.Create(CultureInfo.InvariantCulture, $"score {sheet.Score}; {sheet.Grade}")));

        var before = await db.AssessmentSheets.AsNoTracking()
            .Where(s => s.PartyId == partyId && s.Month >= month.AddMonths(-2) && s.Month < month).ToListAsync(ct);
        var notice = AssessmentRules.NoticeFor(sheet, before.SingleOrDefault(s => s.Month == month.AddMonths(-1))) is { } reason
            ? await OpenNoticeAsync(db, sheet, reason, ct) : null;
        ExitReview? review = null;
        if (AssessmentRules.ThirdUnsatisfactory(sheet, before))
        {
            review = db.ExitReviews.Add(new ExitReview { PartyId = partyId, Reason = ExitReason.ThreeUnsatisfactory, Month = month, OpenedAt = now }).Entity;
            db.AuditLog.Add(AuditEntry.Of(now, "system", "exitReview", partyId, "opened", $"three months graded unsatisfactory to {AssessmentRules.Text(month)}"));
        }

        return new SignOff(sheet, notice, review, null);
    }

    /// <summary>
    /// The sweep: once a month has ended in the site's zone, every assessed party without a sheet for it gets one
    /// (the committee's score refreshes it later), and every notice past its deadline and still open gets its exit review.
    /// </summary>
    public async Task<SweepResult> SweepAsync(CloudDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var lastMonth = ThisMonth.AddMonths(-1);
        var computed = 0;
        var have = await db.AssessmentSheets.Where(s => s.Month == lastMonth).Select(s => s.PartyId).ToListAsync(ct);
        foreach (var party in AccessScope.Everything.AssessedParties(registry.Current?.Site).Where(p => !have.Contains(p.Id.Value)))
        {
            await ComputeAsync(db, party.Id.Value, lastMonth, "system", ct);
            computed++;
        }

        var now = time.GetUtcNow();
        var reviewed = db.ExitReviews; // an expression tree cannot hold an extension property: the query takes the set itself
        var overdue = await db.RectificationNotices
            .Where(n => n.ClosedAt == null && n.Deadline <= now && !reviewed.Any(r => r.NoticeId == n.Id)).ToListAsync(ct);
        var reviews = overdue.Select(n =>
        {
            db.AuditLog.Add(AuditEntry.Of(now, "system", "exitReview", n.PartyId, "opened", $"notice {n.Id} not closed by its deadline"));
            return db.ExitReviews.Add(new ExitReview { PartyId = n.PartyId, Reason = ExitReason.NoticeOverdue, NoticeId = n.Id, OpenedAt = now }).Entity;
        }).ToList();
        return new SweepResult(computed, reviews);
    }

    /// <summary>The party marks an item of its notice done, with a note saying what it did.</summary>
    public bool Answer(CloudDb db, RectificationNotice notice, long itemId, string note, string actor)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (notice.Items.SingleOrDefault(i => i.Id == itemId) is not { } item)
        {
            return false;
        }

        item.DoneAt = time.GetUtcNow();
        item.DoneBy = actor;
        item.Note = note;
        notice.Version++;
        db.AuditLog.Add(AuditEntry.Of(time.GetUtcNow(), actor, "notice", notice.Id.ToString(CultureInfo.InvariantCulture), "answered", $"item {itemId} ({item.Kind}): {note}"));
        return true;
    }

    /// <summary>The committee closes the notice: the party has put things right.</summary>
    public void Close(CloudDb db, RectificationNotice notice, string note, string actor)
    {
        ArgumentNullException.ThrowIfNull(notice);
        notice.ClosedAt = time.GetUtcNow();
        notice.ClosedBy = actor;
        notice.CloseNote = note;
        notice.Version++;
        db.AuditLog.Add(AuditEntry.Of(time.GetUtcNow(), actor, "notice", notice.Id.ToString(CultureInfo.InvariantCulture), "closed", note));
    }

    /// <summary>The street office decides an exit review.</summary>
    public void Decide(CloudDb db, ExitReview review, ExitDecision decision, string note, string actor)
    {
        ArgumentNullException.ThrowIfNull(review);
        review.Decision = decision;
        review.DecidedAt = time.GetUtcNow();
        review.DecidedBy = actor;
        review.Note = note;
        review.Version++;
        db.AuditLog.Add(AuditEntry.Of(time.GetUtcNow(), actor, "exitReview", review.PartyId, $"decided:{decision.ToString().ToLowerInvariant()}", $"review {review.Id}: {note}"));
    }

    /// <summary>The street office sets the thresholds; signed sheets keep their grades, the others are graded anew when next computed.</summary>
    public async Task<GradeThresholds> SetThresholdsAsync(CloudDb db, GradeThresholds wanted, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(wanted);
        var current = await db.GradeThresholds.SingleOrDefaultAsync(t => t.Id == GradeThresholds.Current, ct);
        var old = current is null ? "defaults " + Describe(new GradeThresholds()) : Describe(current);
        current ??= db.GradeThresholds.Add(new GradeThresholds()).Entity;
        (current.Excellent, current.Satisfactory, current.NeedsRectification, current.NoticeDays) = (wanted.Excellent, wanted.Satisfactory, wanted.NeedsRectification, wanted.NoticeDays);
        current.UpdatedAt = time.GetUtcNow();
        current.UpdatedBy = actor;
        db.AuditLog.Add(AuditEntry.Of(time.GetUtcNow(), actor, "thresholds", "grades", "changed", $"{old} → {Describe(current)}"));
        return current;
    }

    private async Task<RectificationNotice> OpenNoticeAsync(CloudDb db, AssessmentSheet sheet, NoticeReason reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var thresholds = await ThresholdsAsync(db, ct);
        var notice = db.RectificationNotices.Add(new RectificationNotice
        {
            PartyId = sheet.PartyId, Sheet = sheet, Month = sheet.Month, Reason = reason, OpenedAt = now,
            Deadline = now.AddDays(thresholds.NoticeDays), Items = AssessmentRules.Items(sheet),
        }).Entity;
        db.AuditLog.Add(AuditEntry.Of(now, "system", "notice", sheet.PartyId, "opened",
            $"{reason} in {AssessmentRules.Text(sheet.Month)}; deadline {TimeZoneInfo.ConvertTime(notice.Deadline, Zone):yyyy-MM-dd HH:mm}; {notice.Items.Count} items"));
        return notice;
    }

    // Residents pressing "还没修好" on the party's orders in the period: the same fault reported as still there.
    private static async Task<int> ComplaintsAsync(CloudDb db, string partyId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var pressed = await db.AuditLog.AsNoTracking()
            .Where(a => a.Entity == "workOrder" && a.Action == NotFixedWord.Action && a.At >= from && a.At < to).Select(a => a.EntityId).ToListAsync(ct);
        var ids = pressed.Select(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1).Distinct().ToArray();
        var own = (await db.WorkOrders.AsNoTracking().Where(w => w.PartyId == partyId && ids.Contains(w.Id)).Select(w => w.Id).ToListAsync(ct))
            .Select(id => id.ToString(CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
        return pressed.Count(own.Contains);
    }

    private static string Key(AssessmentSheet sheet) => $"{sheet.PartyId}/{AssessmentRules.Text(sheet.Month)}";

    private static string Describe(GradeThresholds t) =>
        string.Create(CultureInfo.InvariantCulture, $"excellent {t.Excellent}, satisfactory {t.Satisfactory}, needsRectification {t.NeedsRectification}, noticeDays {t.NoticeDays}");

    private static string Figures(AssessmentSheet s) => string.Create(CultureInfo.InvariantCulture,
        $"raised {s.Raised}, overdue {s.Overdue}, reopened {s.Reopened}, ratings {s.Ratings}, complaints {s.Complaints}, rounds {s.RoundsDone}/{s.RoundsDue}; record {s.RecordScore}; score {s.Score}; {s.Grade}");
}

/// <summary>What a sign-off did: the sheet, the notice and exit review it opened, or why it was refused.</summary>
public sealed record SignOff(AssessmentSheet? Sheet, RectificationNotice? Notice, ExitReview? Review, string? Refusal);

/// <summary>What a sweep did.</summary>
public sealed record SweepResult(int Computed, List<ExitReview> Reviews);
