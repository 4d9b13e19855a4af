using System.Globalization;
using Iot.Cloud.Supervision;

namespace Iot.Cloud.Assessment;

/// <summary>
/// The assessment's decisions, with no I/O: the score from the record and the committee, the items a notice lists,
/// and when a notice or an exit review is due. The service around it loads, saves and audits.
/// </summary>
public static class AssessmentRules
{
    /// <summary>The longest remark, note or item text.</summary>
    public const int MaxText = 2000;

    /// <summary>Points the record gives, out of 100; the committee's score gives the rest.</summary>
    public const double RecordPoints = 70;

    /// <summary>The committee's share of the score.</summary>
    public const double CommitteePoints = 100 - RecordPoints;

    /// <summary>
    /// The record's points, out of 70: on time 25 × (1 − overdue share), holding repairs 10 × (1 − reopen rate),
    /// ratings 10 × (average − 1) / 4, complaints 10 less 2 a complaint (not below 0), patrol rounds 10 × done / due,
    /// patrol findings 5 × fixed / raised. A figure with nothing to measure (no orders, ratings, rounds due or findings)
    /// gives its points in full: there is no evidence against the party.
    /// </summary>
    public static double RecordScore(AssessmentSheet s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var onTime = 25 * (s.Raised == 0 ? 1 : 1 - s.OverdueShare);
        var holding = 10 * (s.Raised == 0 ? 1 : 1 - s.ReopenRate);
        var ratings = 10 * (s.AverageRating is { } a ? (a - 1) / 4 : 1);
        var complaints = Math.Max(0, 10 - (2 * s.Complaints));
        var rounds = 10 * (s.RoundsDue is > 0 ? (double)(s.RoundsDone ?? 0) / s.RoundsDue.Value : 1);
        var findings = 5 * (s.FindingsRaised is > 0 ? (double)(s.FindingsFixed ?? 0) / s.FindingsRaised.Value : 1);
        return Round(onTime + holding + ratings + complaints + Math.Min(rounds, 10) + Math.Min(findings, 5));
    }

    /// <summary>
    /// The score out of 100: the record's 70 points plus 30 × the committee's score / 100. Before the committee has
    /// scored, the record's points scaled to 100, so a provisional grade means the same thing.
    /// </summary>
    public static double Score(double recordScore, int? committeeScore) =>
        Round(committeeScore is { } c ? recordScore + (CommitteePoints * c / 100) : recordScore * 100 / RecordPoints);

    /// <summary>Sets the sheet's record points, score and grade from its figures, the committee's score and the thresholds.</summary>
    public static void Grade(AssessmentSheet sheet, GradeThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        ArgumentNullException.ThrowIfNull(thresholds);
        sheet.RecordScore = RecordScore(sheet);
        sheet.Score = Score(sheet.RecordScore, sheet.CommitteeScore);
        sheet.Grade = thresholds.GradeOf(sheet.Score);
    }

    /// <summary>Copies the record's figures for the month onto the sheet (the party's row of the supervision record, and the patrol tally).</summary>
    public static void Fill(AssessmentSheet sheet, SupervisionRow? row, int residentReports, int complaints, PatrolTally? patrol)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        sheet.Raised = row?.Raised ?? 0;
        sheet.Acknowledged = row?.Acknowledged ?? 0;
        sheet.Fixed = row?.Fixed ?? 0;
        sheet.MedianAckMinutes = row?.MedianAckMinutes;
        sheet.MedianFixMinutes = row?.MedianFixMinutes;
        sheet.Overdue = row?.Overdue ?? 0;
        sheet.OverdueShare = row?.OverdueShare ?? 0;
        sheet.Reopened = row?.Reopened ?? 0;
        sheet.ReopenRate = row?.ReopenRate ?? 0;
        sheet.Ratings = row?.Ratings ?? 0;
        sheet.AverageRating = row?.AverageRating;
        sheet.ResidentReports = residentReports;
        sheet.Complaints = complaints;
        sheet.RoundsDue = patrol?.RoundsDue;
        sheet.RoundsDone = patrol?.RoundsDone;
        sheet.RoundsMissed = patrol?.RoundsMissed;
        sheet.FindingsRaised = patrol?.FindingsRaised;
        sheet.FindingsFixed = patrol?.FindingsFixed;
    }

    /// <summary>
    /// Why a signed sheet opens a notice: graded 不合格, or 需整改 after a signed 需整改 the month before; null otherwise.
    /// </summary>
    public static NoticeReason? NoticeFor(AssessmentSheet sheet, AssessmentSheet? previous) => sheet.Grade switch
    {
        Assessment.Grade.Unsatisfactory => NoticeReason.Unsatisfactory,
        Assessment.Grade.NeedsRectification when previous is { IsSigned: true, Grade: Assessment.Grade.NeedsRectification } && previous.Month == sheet.Month.AddMonths(-1) => NoticeReason.TwoNeedsRectification,
        _ => null,
    };

    /// <summary>Whether a signed 不合格 sheet completes three in a row with the two signed months before it.</summary>
    public static bool ThirdUnsatisfactory(AssessmentSheet sheet, IReadOnlyCollection<AssessmentSheet> twoBefore) =>
        sheet.Grade == Assessment.Grade.Unsatisfactory
        && Enumerable.Range(1, 2).All(back => twoBefore.Any(s => s.Month == sheet.Month.AddMonths(-back) && s.IsSigned && s.Grade == Assessment.Grade.Unsatisfactory));

    /// <summary>What a notice asks the party to put right: each weak figure of the sheet, and the committee's remarks.</summary>
    public static List<NoticeItem> Items(AssessmentSheet s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var items = new List<NoticeItem>();
        void Add(NoticeItemKind kind, string text) => items.Add(new NoticeItem { Kind = kind, Text = text });
        if (s.Overdue > 0)
        {
            Add(NoticeItemKind.Overdue, Of(s.Overdue, s.Raised));
        }

        if (s.Reopened > 0)
        {
            Add(NoticeItemKind.Reopened, Of(s.Reopened, s.Raised));
        }

        if (s.AverageRating is < 3)
        {
            Add(NoticeItemKind.Ratings, s.AverageRating.Value.ToString("0.0", CultureInfo.InvariantCulture));
        }

        if (s.Complaints > 0)
        {
            Add(NoticeItemKind.Complaints, s.Complaints.ToString(CultureInfo.InvariantCulture));
        }

        if (s.RoundsMissed is > 0)
        {
            Add(NoticeItemKind.PatrolMissed, Of(s.RoundsMissed.Value, s.RoundsDue ?? 0));
        }

        if (s.FindingsRaised is > 0 && s.FindingsFixed < s.FindingsRaised)
        {
            Add(NoticeItemKind.FindingsOpen, Of(s.FindingsRaised.Value - (s.FindingsFixed ?? 0), s.FindingsRaised.Value));
        }

        if (!string.IsNullOrWhiteSpace(s.Remarks))
        {
            Add(NoticeItemKind.Remarks, s.Remarks);
        }

        return items;
    }

    /// <summary>The calendar month an instant falls in, in the site's zone.</summary>
    public static DateOnly MonthOf(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return new DateOnly(local.Year, local.Month, 1);
    }

    /// <summary>When a month begins, in the site's zone, as an instant.</summary>
    public static DateTimeOffset StartOf(DateOnly month, TimeZoneInfo zone) =>
        new(TimeZoneInfo.ConvertTimeToUtc(new DateOnly(month.Year, month.Month, 1).ToDateTime(TimeOnly.MinValue), zone), TimeSpan.Zero);

    /// <summary>Reads <c>yyyy-MM</c>, a month between 2000 and 2199.</summary>
    public static bool TryParseMonth(string? text, out DateOnly month)
    {
        month = default;
        if (text is null || !DateOnly.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) || parsed.Year is < 2000 or > 2199)
        {
            return false;
        }

        month = parsed;
        return true;
    }

    public static string Text(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static string Of(int part, int whole) => string.Create(CultureInfo.InvariantCulture, $"{part} / {whole}");

    private static double Round(double value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}
