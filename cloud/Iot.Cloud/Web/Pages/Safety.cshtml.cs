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
public sealed class SafetyModel(SafetyFigures safety, ServiceRecord record, MaintenanceNotices maintenance, OpenFaults faults, TimeProvider time) : PageModel
{
    public SafetyPicture Safety { get; private set; } = null!;

    public ServiceRecordView Record { get; private set; } = null!;

    /// <summary>The maintenance windows in force, without people's names.</summary>
    public IReadOnlyList<WindowNotice> Maintenance { get; private set; } = [];

    /// <summary>The faults still open, those in courtyards where elderly people live alone first.</summary>
    public OpenFaultList Faults { get; private set; } = new([], 0);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        Safety = await safety.ComputeAsync(AccessScope.Everything, now, DashboardWeeks, ct);
        Record = await record.ComputeAsync(AccessScope.Everything, now, DashboardWeeks, ct);
        Maintenance = await maintenance.CurrentAsync(AccessScope.Everything, forPublic: true, ct);
        Faults = await faults.ListAsync(AccessScope.Everything, FaultsShown, ct);
    }

    private const int DashboardWeeks = 8;

    private const int FaultsShown = 30;
}
