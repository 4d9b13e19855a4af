using Iot.Cloud.Auth;
using Iot.Cloud.Web.Dashboards;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Cloud.Web.Pages;

/// <summary>
/// The public safety view: the same picture as the community dashboard for every block, and each responsible
/// party's service figures, with no personal data (no names, phone numbers, report texts or photos). For phones.
/// </summary>
[AllowAnonymous]
public sealed class SafetyModel(SafetyFigures safety, ServiceRecord record, TimeProvider time) : PageModel
{
    public SafetyPicture Safety { get; private set; } = null!;

    public ServiceRecordView Record { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        Safety = await safety.ComputeAsync(AccessScope.Everything, now, DashboardWeeks, ct);
        Record = await record.ComputeAsync(AccessScope.Everything, now, DashboardWeeks, ct);
    }

    private const int DashboardWeeks = 8;
}
