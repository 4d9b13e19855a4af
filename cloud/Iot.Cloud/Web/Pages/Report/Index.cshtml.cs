using Iot.Cloud.Sites;
using Iot.Protocol.Sites;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Cloud.Web.Pages;

/// <summary>Choose a courtyard to report for (when there is no QR code at hand).</summary>
[AllowAnonymous]
public sealed class ReportIndexModel(SiteRegistry registry) : PageModel
{
    public IReadOnlyList<CommunityManifest> Communities { get; private set; } = [];

    public void OnGet() => Communities = registry.Current?.Site.Communities ?? [];
}
