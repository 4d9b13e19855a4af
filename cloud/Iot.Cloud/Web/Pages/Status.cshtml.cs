using System.Globalization;
using Iot.Cloud.Web.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Cloud.Web.Pages;

/// <summary>
/// The page shown for 404, 403, 429 and other errors of pages (re-executed, so the status code stays). A failed form
/// post is re-executed as a post: answered here too, with no antiforgery check and no binding (either would read the
/// failed request's form again, and answer a bare 400 that becomes a JSON problem instead of this page).
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class StatusModel(Lang lang) : PageModel
{
    public string Title { get; private set; } = string.Empty;

    public string Explanation { get; private set; } = string.Empty;

    public void OnGet() => Explain();

    public void OnPost() => Explain();

    private void Explain()
    {
        var code = int.TryParse(RouteData.Values["code"] as string, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 500;
        (Title, Explanation) = code switch
        {
            404 => (lang["Not found"], lang["There is nothing here, or it is not yours to see."]),
            403 => (lang["Not allowed"], lang["Your account may not open this page. If you need it, ask the street office."]),
            429 => (lang["Too many requests"], lang["Please wait a little and try again."]),
            _ => (lang["Something went wrong"], lang["Please try again. If it keeps happening, tell the street office."]),
        };
    }
}
