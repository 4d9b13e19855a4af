namespace Iot.Cloud.Assessment;

/// <summary>A sheet as the API shows it, with the party's name.</summary>
public sealed record SheetView(
    long Id, string Party, string PartyName, string Month, int Raised, int Acknowledged, int Fixed, double? MedianAckMinutes, double? MedianFixMinutes,
    int Overdue, double OverdueShare, int Reopened, double ReopenRate, int Ratings, double? AverageRating, int ResidentReports, int Complaints,
    int? RoundsDue, int? RoundsDone, int? RoundsMissed, int? FindingsRaised, int? FindingsFixed,
    double RecordScore, int? CommitteeScore, string? Remarks, double Score, Grade Grade, DateTimeOffset ComputedAt, DateTimeOffset? SignedAt, string? SignedBy)
{
    public static SheetView Of(AssessmentSheet s, string partyName)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Id, s.PartyId, partyName, AssessmentRules.Text(s.Month), s.Raised, s.Acknowledged, s.Fixed, s.MedianAckMinutes, s.MedianFixMinutes,
            s.Overdue, s.OverdueShare, s.Reopened, s.ReopenRate, s.Ratings, s.AverageRating, s.ResidentReports, s.Complaints,
            s.RoundsDue, s.RoundsDone, s.RoundsMissed, s.FindingsRaised, s.FindingsFixed,
            s.RecordScore, s.CommitteeScore, s.Remarks, s.Score, s.Grade, s.ComputedAt, s.SignedAt, s.SignedBy);
    }
}

public sealed record NoticeItemView(long Id, NoticeItemKind Kind, string Text, DateTimeOffset? DoneAt, string? DoneBy, string? Note);

public sealed record NoticeView(long Id, string Party, string Month, NoticeReason Reason, DateTimeOffset OpenedAt, DateTimeOffset Deadline, DateTimeOffset? ClosedAt, string? ClosedBy, string? CloseNote, IReadOnlyList<NoticeItemView> Items)
{
    public static NoticeView Of(RectificationNotice n)
    {
        ArgumentNullException.ThrowIfNull(n);
        return new(n.Id, n.PartyId, AssessmentRules.Text(n.Month), n.Reason, n.OpenedAt, n.Deadline, n.ClosedAt, n.ClosedBy, n.CloseNote,
            n.Items.OrderBy(i => i.Id).Select(i => new NoticeItemView(i.Id, i.Kind, i.Text, i.DoneAt, i.DoneBy, i.Note)).ToList());
    }
}

public sealed record ExitReviewView(long Id, string Party, ExitReason Reason, long? Notice, string? Month, DateTimeOffset OpenedAt, ExitDecision? Decision, string? DecidedBy, DateTimeOffset? DecidedAt, string? Note)
{
    public static ExitReviewView Of(ExitReview r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.PartyId, r.Reason, r.NoticeId, r.Month is { } m ? AssessmentRules.Text(m) : null, r.OpenedAt, r.Decision, r.DecidedBy, r.DecidedAt, r.Note);
    }
}

/// <summary>A party's sheets over the last twelve months (the trend) and its notices.</summary>
public sealed record PartyAssessment(string Party, string Name, IReadOnlyList<SheetView> Sheets, IReadOnlyList<NoticeView> Notices);

public sealed record SignOffView(SheetView Sheet, NoticeView? Notice, ExitReviewView? ExitReview);

/// <summary>The thresholds, read and written as they are.</summary>
public sealed record ThresholdsView(double Excellent, double Satisfactory, double NeedsRectification, int NoticeDays)
{
    public static ThresholdsView Of(GradeThresholds t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.Excellent, t.Satisfactory, t.NeedsRectification, t.NoticeDays);
    }

    public GradeThresholds ToThresholds() => new() { Excellent = Excellent, Satisfactory = Satisfactory, NeedsRectification = NeedsRectification, NoticeDays = NoticeDays };
}

public sealed record ScoreRequest(int CommitteeScore, string? Remarks = null);

public sealed record AnswerRequest(long Item, string? Note = null);

public sealed record NoteRequest(string? Note = null);

public sealed record DecideRequest(ExitDecision? Decision = null, string? Note = null);
