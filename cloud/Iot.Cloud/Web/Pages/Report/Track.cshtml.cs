using Iot.Cloud.Data;
using Iot.Cloud.Reports;
using Iot.Cloud.WorkOrders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Iot.Cloud.Web.Pages;

/// <summary>
/// A resident follows a report by its tracking code, in plain words: where it is, by when it should be fixed (the
/// responsible party's service level), whom to call, and a "not fixed yet" button. Nothing personal is shown.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(ReportLimits.Policy)]
public sealed class ReportTrackModel(CloudDb db, Work work, WorkOrderService orders, TimeProvider time) : PageModel
{
    public static readonly IReadOnlyList<(int Step, string Label)> Steps =
    [
        (0, "Received"), (1, "Assigned"), (2, "Being repaired"), (3, "Repaired"), (4, "Done"),
    ];

    public string? Code { get; private set; }

    public ReportStatus? Status { get; private set; }

    public bool IsNew { get; private set; }

    /// <summary>What came of the resident's last "not fixed yet", shown once after it.</summary>
    public NotFixedOutcome? Word { get; private set; }

    /// <summary>What came of the resident's last "it is fixed", shown once after it.</summary>
    public ConfirmOutcome? Confirmation { get; private set; }

    public bool IsOverdue => Status?.ExpectedBy is { } due && due < time.GetUtcNow();

    public string CategoryLabel => Status?.Title switch
    {
        { } t when t.EndsWith("路灯", StringComparison.Ordinal) => "Lamp not working",
        { } t when t.EndsWith("门禁", StringComparison.Ordinal) => "Gate or lock broken",
        { } t when t.EndsWith("排水", StringComparison.Ordinal) => "Water not draining",
        { } t when t.EndsWith("充电桩", StringComparison.Ordinal) => "E-bike charging problem",
        _ => "Something else",
    };

    public async Task OnGetAsync(string? code, bool? @new, NotFixedOutcome? word, ConfirmOutcome? confirmed, CancellationToken ct)
    {
        Code = code?.Trim().ToUpperInvariant();
        Code = string.IsNullOrEmpty(Code) ? null : Code;
        IsNew = @new == true;
        Word = word;
        Confirmation = confirmed;
        if (Code is { Length: <= 16 } && await ReportsApi.Track(Code, db, ct) is { Result: Ok<ReportStatus> { Value: { } status } })
        {
            Status = status;
        }
        else if (Code is not null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    /// <summary>"还没修好": recorded on the order, then back to this page (so a reload does not say it again).</summary>
    public async Task<IActionResult> OnPostNotFixedAsync(string? code, CancellationToken ct)
    {
        var normal = code?.Trim().ToUpperInvariant();
        if (normal is not { Length: > 0 and <= 16 })
        {
            return NotFound();
        }

        var outcome = await NotFixedWord.RecordAsync(normal, work, orders, time, ct);
        return outcome == NotFixedOutcome.NotFound ? NotFound() : Redirect($"/r/track/{normal}?word={outcome}");
    }

    /// <summary>"修好了": the resident who reported it confirms the repair, then back to this page.</summary>
    public async Task<IActionResult> OnPostConfirmAsync(string? code, CancellationToken ct)
    {
        var normal = code?.Trim().ToUpperInvariant();
        if (normal is not { Length: > 0 and <= 16 })
        {
            return NotFound();
        }

        var outcome = await ResidentConfirmation.ConfirmAsync(normal, work, orders, ct);
        return outcome == ConfirmOutcome.NotFound ? NotFound() : Redirect($"/r/track/{normal}?confirmed={outcome}");
    }

    /// <summary><c>done</c>, <c>current</c> or <c>todo</c> for a step of the progress list.</summary>
    public string StepState(int step)
    {
        var at = Status?.Status switch
        {
            WorkOrderStatus.New => 0,
            WorkOrderStatus.Assigned => 1,
            WorkOrderStatus.InProgress or WorkOrderStatus.WaitingForParts => 2,
            WorkOrderStatus.Fixed => 3,
            _ => 4,
        };
        return step < at || (step == 4 && at == 4) ? "done" : step == at ? "current" : "todo";
    }
}
