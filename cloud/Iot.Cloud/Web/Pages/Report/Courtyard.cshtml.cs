using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Reports;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Localization;
using Iot.Cloud.WorkOrders;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Pages;

/// <summary>
/// A courtyard's report page (the QR code posted there links here): emergency numbers first, big pictograms, optional
/// text, photo and phone. Works without JavaScript; with it (<c>report.js</c>) the photo is reduced on the phone and a
/// report sent without signal waits on the phone. Every refusal is this page again, in the resident's language, with
/// what they typed and the photo they chose: so the page reads its form itself (a body over the bound, a stale
/// antiforgery token) instead of leaving those to the framework's bare 400 and 413, and counts its own reports.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(ReportLimits.Policy)]
[LimitsReportsItself]
[IgnoreAntiforgeryToken]
[RequestSizeLimit(PhotoReducer.MaxUploadBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = PhotoReducer.MaxUploadBytes)]
public sealed class ReportCourtyardModel(SiteRegistry registry, CloudDb db, WorkOrderService orders, Work work, ReportLimits limits, ReportChallenge challenges, IAntiforgery antiforgery, TimeProvider time, Lang lang) : PageModel
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

    /// <summary>The entry the refusal is about (<c>category</c>, <c>text</c>, <c>photo</c>, <c>phone</c>), marked on the form.</summary>
    public string? ErrorField { get; private set; }

    public string? Category { get; private set; }

    public string? Text { get; private set; }

    public string? Phone { get; private set; }

    /// <summary>This form's report key (<see cref="ReportKeys"/>).</summary>
    public string Key { get; private set; } = string.Empty;

    /// <summary>This form's challenge, solved by the page's script in the background (<see cref="ReportChallenge"/>).</summary>
    public string ChallengeToken { get; private set; } = string.Empty;

    public int ChallengeBits => challenges.Bits;

    /// <summary>The photo chosen before a refusal, reduced, as base64: sent back with the form so it is not chosen again.</summary>
    public string? KeptPhoto { get; private set; }

    public IActionResult OnGet(string courtyard)
    {
        Key = ReportKeys.New();
        ChallengeToken = challenges.Issue(AuthSetup.ClientKey(HttpContext));
        return Find(courtyard) ? Page() : NotFound();
    }

    // No parameters: binding one would read the form first (MVC's form value provider) and answer a bare 400 when it
    // cannot, before this page could say why.
    public async Task<IActionResult> OnPostAsync()
    {
        var courtyard = RouteData.Values["courtyard"] as string ?? string.Empty;
        var ct = HttpContext.RequestAborted;
        if (!Find(courtyard))
        {
            return NotFound();
        }

        Key = ReportKeys.New();
        var client = AuthSetup.ClientKey(HttpContext);
        ChallengeToken = challenges.Issue(client);
        IFormCollection form;
        try
        {
            form = await Request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } or InvalidDataException)
        {
            return Refuse(lang["The photo is too large to send (over 25 MB). Please take a new photo with the phone's camera and send again."], StatusCodes.Status413PayloadTooLarge, "photo");
        }
        catch (BadHttpRequestException)
        {
            return Refuse(lang["The report did not arrive complete. Please send it again."]);
        }

        (Category, Text, Phone) = (Field(form, "category"), Field(form, "text"), Field(form, "phone"));
        Key = ReportKeys.IsValid(Field(form, "key")) ? Field(form, "key")! : Key;
        var kept = await KeptAsync(Field(form, "keptPhoto"), ct);
        KeptPhoto = kept is null ? null : Convert.ToBase64String(kept.Jpeg);
        if (!await antiforgery.IsRequestValidAsync(HttpContext))
        {
            return Refuse(lang["This page was open for a long time. Please check it and press Send report again."]);
        }

        // Sent before (a double tap, or the phone's queue resending after a lost answer): the first report stands.
        if (await ReportsApi.ReceiptForKeyAsync(db, Key, ct) is { } earlier)
        {
            return Redirect($"/r/track/{earlier.TrackingCode}?new=true");
        }

        // The photo first, so that any later refusal can keep it.
        var photo = kept;
        if (form.Files.GetFile("photo") is { Length: > 0 } file)
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            var (reduced, refusal) = await PhotoReducer.ReduceAsync(buffer.ToArray(), ct);
            if (reduced is null)
            {
                return Refuse(refusal switch
                {
                    PhotoRefusal.NotAPicture => lang["This file is not a photo. Please choose a photo (JPEG or PNG)."],
                    PhotoRefusal.TooManyPixels => lang["This picture is too large to open. Please take a photo with the phone's camera, or choose another one."],
                    _ => lang["This photo is damaged and cannot be opened. Please take it again."],
                }, field: "photo");
            }

            photo = reduced;
            KeptPhoto = Convert.ToBase64String(reduced.Jpeg);
        }

        if (Category is null || Categories.All(c => c.Value != Category))
        {
            return Refuse(lang["Please choose what is wrong."], field: "category");
        }

        if (Text?.Length > 500)
        {
            return Refuse(lang["Please keep the description under 500 characters."], field: "text");
        }

        if (Phone is not null && !ReportsApi.IsPhone(Phone))
        {
            return Refuse(lang["A phone number has digits only (spaces, + and - are fine), at most 20."], field: "phone");
        }

        // Beyond the first few reports an hour from here, only with the challenge solved (the script does it unseen).
        if (!limits.TryTakeFree(client) && !challenges.TryRedeem(client, Field(form, "challenge"), Field(form, "solution")))
        {
            return Refuse(lang["Several reports have come from here in the last hour. To send another, open this page in a browser with JavaScript on, or try again later."], StatusCodes.Status429TooManyRequests);
        }

        if (!limits.TryTakeClient(client))
        {
            return Refuse(lang["You have sent many reports in the last hour. Please try again later."], StatusCodes.Status429TooManyRequests);
        }

        var saved = await ReportsApi.SaveAsync(new ReportRequest(courtyard, Category, Text, Phone, Key), work, orders, limits, ct);
        if (saved.Outcome == ReportOutcome.CourtyardBusy)
        {
            return Refuse(lang["Many reports have come from this courtyard in the last hour. Please try again later."], StatusCodes.Status429TooManyRequests);
        }

        // A report that joined an order brings its photo too, while the order has fewer than the residents' three.
        if (saved.Outcome is ReportOutcome.New or ReportOutcome.Merged && photo is not null
            && await db.WorkOrderAttachments.CountAsync(a => a.WorkOrderId == saved.OrderId && a.By == "resident", ct) < ReportsApi.MaxPhotos)
        {
            Photos.Attach(db, saved.OrderId, photo, form.Files.GetFile("photo")?.FileName, "resident", time.GetUtcNow());
            await db.SaveChangesAsync(ct);
        }

        return Redirect($"/r/track/{saved.Receipt!.TrackingCode}?new=true");
    }

    private bool Find(string courtyard)
    {
        var found = registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id.Value == courtyard).Courtyard;
        Name = found?.Name ?? string.Empty;
        return found is not null;
    }

    private static string? Field(IFormCollection form, string name) =>
        form.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    // A kept photo comes back from the browser like any input, so it is checked again (a reduced photo passes quickly).
    private static async Task<ReducedPhoto?> KeptAsync(string? base64, CancellationToken ct)
    {
        var bytes = new byte[((base64?.Length ?? 0) * 3 / 4) + 3];
        return base64 is not null && Convert.TryFromBase64String(base64, bytes, out var length)
            ? (await PhotoReducer.ReduceAsync(bytes[..length], ct)).Photo
            : null;
    }

    private PageResult Refuse(string message, int status = StatusCodes.Status400BadRequest, string? field = null)
    {
        (Error, ErrorField) = (message, field);
        Response.StatusCode = status;
        return Page();
    }
}
