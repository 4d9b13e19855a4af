using Iot.Cloud.Assessment;

namespace Iot.Cloud.Web.Dashboards;

/// <summary>The assessment's grades, reasons and notice items as English keys of <c>Texts</c>, for the pages to say in their language.</summary>
public static class AssessmentWords
{
    public static string Grade(Grade grade) => grade switch
    {
        Assessment.Grade.Excellent => "Excellent",
        Assessment.Grade.Satisfactory => "Satisfactory",
        Assessment.Grade.NeedsRectification => "Needs rectification",
        _ => "Unsatisfactory",
    };

    /// <summary>The CSS class that colours a grade (and prints it in bold for the unsatisfactory ones).</summary>
    public static string GradeClass(Grade grade) => grade switch
    {
        Assessment.Grade.Excellent or Assessment.Grade.Satisfactory => "grade good",
        Assessment.Grade.NeedsRectification => "grade warn",
        _ => "grade bad",
    };

    /// <summary>A notice item: a format with one hole for its figures (or the committee's words).</summary>
    public static string Item(NoticeItemKind kind) => kind switch
    {
        NoticeItemKind.Overdue => "Answer and fix within the service level (late orders: {0})",
        NoticeItemKind.Reopened => "Repairs must hold (reopened orders: {0})",
        NoticeItemKind.Ratings => "Raise residents' ratings (average {0} of 5)",
        NoticeItemKind.Complaints => "Answer residents' complaints (still not fixed: {0})",
        NoticeItemKind.PatrolMissed => "Do every patrol round (missed: {0})",
        NoticeItemKind.FindingsOpen => "Fix what patrols find (left unfixed: {0})",
        _ => "The committee's remarks: {0}",
    };

    public static string Reason(NoticeReason reason) => reason == NoticeReason.TwoNeedsRectification
        ? "Two months in a row needing rectification" : "A month graded unsatisfactory";

    public static string Reason(ExitReason reason) => reason == ExitReason.NoticeOverdue
        ? "A rectification notice was not closed by its deadline" : "Three months in a row graded unsatisfactory";

    public static string Decision(ExitDecision? decision) => decision switch
    {
        ExitDecision.Stay => "Stays, under watch",
        ExitDecision.Exit => "To leave",
        _ => "Open",
    };
}
