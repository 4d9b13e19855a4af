using Iot.Cloud.Auth;
using Iot.Cloud.Sites;
using Iot.Protocol.Sites;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Web.Pages.Console;

/// <summary>A printable sheet of QR codes, one card per courtyard in scope, to post at the courtyard gate.</summary>
[Authorize(Policy = Policies.Staff)]
public sealed class QrModel(SiteRegistry registry, AccessScope scope, IOptions<WebOptions> options) : PageModel
{
    public IReadOnlyList<(CommunityManifest Community, CourtyardManifest Courtyard)> Courtyards { get; private set; } = [];

    public string? Community { get; private set; }

    public IReadOnlyList<CommunityManifest> Communities { get; private set; } = [];

    public void OnGet(string? community)
    {
        Community = string.IsNullOrEmpty(community) ? null : community;
        var all = (registry.Current?.Site.Courtyards ?? []).Where(c => scope.Courtyard(c.Courtyard.Id)).ToList();
        Communities = all.Select(c => c.Community).Distinct().ToList();
        Courtyards = all.Where(c => Community is null || c.Community.Id.Value == Community).ToList();
    }

    /// <summary>The address the codes carry, and whether residents' phones could reach it.</summary>
    public QrAddress Address => _address ??= QrAddress.Of(Request, options.Value);

    private QrAddress? _address;

    public string ReportUrl(string courtyard) => Address.ReportUrl(courtyard).AbsoluteUri;
}
