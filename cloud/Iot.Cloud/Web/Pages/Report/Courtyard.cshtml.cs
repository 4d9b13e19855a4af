using Iot.Cloud.Data;
using Iot.Cloud.Notifications;
using Iot.Cloud.Reports;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Localization;
using Iot.Cloud.WorkOrders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Iot.Cloud.Web.Pages;

/// <summary>
/// A courtyard's report page (the QR code posted there links here): big pictograms, optional text, photo and phone.
/// Works without JavaScript. The report goes through the same code as <c>POST /api/reports</c>, with the same limits.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(ReportLimits.Policy)]
[RequestSizeLimit(WorkOrdersApi.MaxPhotoBytes + (64 * 1024))]
[RequestFormLimits(MultipartBodyLengthLimit = WorkOrdersApi.MaxPhotoBytes + (64 * 1024))]
public sealed class ReportCourtyardModel(SiteRegistry registry, CloudDb db, WorkOrderService orders, ChangeNotifier notifier, ReportLimits limits, TimeProvider time, Lang lang) : PageModel
{
    public static readonly IReadOnlyList<(string Value, string Label, string Icon)> Categories =
    [
        ("lamp", "Lamp not working", "lamp"),
        ("gate", "Gate or lock broken", "gate"),
        ("drain", "Water not draining", "drain"),
        ("charger", "E-bike charging problem", "charger"),
        ("other", "Something else", "other"),
    ];

    public string Name { get; private set; } = string.Empty;

    public string? Error { get; private set; }

    public string? Category { get; private set; }

    public string? Text { get; private set; }

    public string? Phone { get; private set; }

    public IActionResult OnGet(string courtyard) => Find(courtyard) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string courtyard, string? category, string? text, string? phone, IFormFile? photo, CancellationToken ct)
    {
        if (!Find(courtyard))
        {
            return NotFound();
        }

        (Category, Text, Phone) = (category, text, phone);
        if (category is null || Categories.All(c => c.Value != category))
        {
            return Refuse("Please choose what is wrong.");
        }

        if (text?.Length > 500)
        {
            return Refuse("Please keep the description under 500 characters.");
        }

        if (phone is { Length: > 0 } && (phone.Length > 20 || !phone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ')))
        {
            return Refuse("A phone number has digits only (spaces, + and - are fine).");
        }

        if (photo is { Length: > 0 })
        {
            var (_, _, problem) = await Photos.ReadAsync(photo, WorkOrdersApi.MaxPhotoBytes, ct);
            if (problem is not null)
            {
                return Refuse("The photo must be a JPEG or PNG picture of at most 5 MB.");
            }
        }

        if (!limits.TryTake(courtyard))
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Refuse("Many reports have come from this courtyard in the last hour. Please try again later.");
        }

        var result = await ReportsApi.Report(new ReportRequest(courtyard, category, string.IsNullOrWhiteSpace(text) ? null : text.Trim(), string.IsNullOrWhiteSpace(phone) ? null : phone.Trim()), db, orders, notifier, ct);
        if (result.Result is not Created<ReportReceipt> { Value: { } receipt })
        {
            return Refuse("The report could not be saved. Please try again.");
        }

        if (photo is { Length: > 0 })
        {
            await ReportsApi.AddPhoto(receipt.TrackingCode, photo, db, time, ct);
        }

        return Redirect($"/r/track/{receipt.TrackingCode}?new=true");
    }

    private bool Find(string courtyard)
    {
        var found = registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id.Value == courtyard).Courtyard;
        Name = found?.Name ?? string.Empty;
        return found is not null;
    }

    private PageResult Refuse(string english)
    {
        Error = lang[english];
        if (Response.StatusCode == StatusCodes.Status200OK)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }
}
