using Iot.Cloud.Assessment;
using Iot.Cloud.Web.Dashboards;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Cloud.Web.Pages.Dashboard;

/// <summary>The monthly assessment report for the street office's meeting, made to print: the month's sheets, the open notices, the exit reviews.</summary>
public sealed class AssessmentReportModel(AssessmentBoard board) : PageModel
{
    public DateOnly Month { get; private set; }

    public List<PartyMonths> Sheets { get; private set; } = [];

    public List<(ExitReview Review, string PartyName)> Reviews { get; private set; } = [];

    public async Task OnGetAsync(string? month, CancellationToken ct)
    {
        Month = AssessmentRules.TryParseMonth(month, out var wanted) && wanted <= board.LastMonth.AddMonths(1) ? wanted : board.LastMonth;
        Sheets = await board.MonthsAsync(Month, 1, ct);
        Reviews = await board.ExitReviewsAsync(ct);
    }
}
