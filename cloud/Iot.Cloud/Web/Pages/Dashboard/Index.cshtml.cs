using System.Globalization;
using Iot.Cloud.Auth;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Dashboards;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Cloud.Web.Pages.Dashboard;

/// <summary>
/// The community safety dashboard (residents' committee, street office; a company sees its own courtyards): per
/// community and block the safety figures and weekly trends, and the service record with its comparison, CSV
/// export and the printable weekly report. Also the model of the weekly report page.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public class DashboardModel(SafetyFigures safety, ServiceRecord record, MaintenanceNotices maintenance, OpenFaults faults, DashboardPatrols patrols, AccessScope scope, SiteRegistry registry, TimeProvider time) : PageModel
{
    public const int Weeks = 8;

    public SafetyPicture Safety { get; private set; } = null!;

    public ServiceRecordView Record { get; private set; } = null!;

    /// <summary>The maintenance windows in force in the scope.</summary>
    public IReadOnlyList<WindowNotice> Maintenance { get; private set; } = [];

    /// <summary>The faults still open in the scope, those in courtyards where elderly people live alone first.</summary>
    public OpenFaultList Faults { get; private set; } = new([], 0);

    /// <summary>Block patrols in the scope over the same 7 days, per party and per block.</summary>
    public PatrolWeek Patrols { get; private set; } = null!;

    /// <summary>The community's volunteers this month (null for a company or unit: not theirs to see).</summary>
    public Iot.Cloud.Volunteers.VolunteerMonth? Volunteers { get; private set; }

    public AccessScope Scope => scope;

    /// <summary>
    /// Whose record it is: the community's name for its supervisors, the party's for a company or unit; null for the
    /// street office, which sees every community.
    /// </summary>
    public string? ReportOf
    {
        get
        {
            var site = registry.Current?.Site;
            if (scope.SeesEverything || site is null)
            {
                return null;
            }

            return scope.IsPartyRole
                ? site.Manifest.Parties.FirstOrDefault(p => p.Id.Value == scope.Party)?.Name ?? scope.Party
                : site.Communities.FirstOrDefault(c => c.Id.Value == scope.Community)?.Name ?? scope.Community;
        }
    }

    /// <summary>How many communities the street office's report covers.</summary>
    public int Communities => registry.Current?.Site.Communities.Count ?? 0;

    /// <summary>The CSV of the supervision record for the same week.</summary>
    public string CsvUrl(string groupBy) =>
        $"/api/supervision/csv?groupBy={groupBy}&from={Uri.EscapeDataString(Record.From.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(Record.To.ToString("O", CultureInfo.InvariantCulture))}";

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        Safety = await safety.ComputeAsync(scope, now, Weeks, ct);
        Record = await record.ComputeAsync(scope, now, Weeks, ct);
        Maintenance = await maintenance.CurrentAsync(scope, forPublic: false, ct);
        Faults = await faults.ListAsync(scope, 30, ct);
        Patrols = await patrols.WeekAsync(scope, Safety.From, Safety.To, ct);
        Volunteers = scope.IsPartyRole ? null : await patrols.VolunteersAsync(scope, ct); // a company's page has no such section
    }
}
