using System.Globalization;
using Iot.Cloud.Auth;
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
public class DashboardModel(SafetyFigures safety, ServiceRecord record, AccessScope scope, TimeProvider time) : PageModel
{
    public const int Weeks = 8;

    public SafetyPicture Safety { get; private set; } = null!;

    public ServiceRecordView Record { get; private set; } = null!;

    public AccessScope Scope => scope;

    /// <summary>The CSV of the supervision record for the same week.</summary>
    public string CsvUrl(string groupBy) =>
        $"/api/supervision/csv?groupBy={groupBy}&from={Uri.EscapeDataString(Record.From.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(Record.To.ToString("O", CultureInfo.InvariantCulture))}";

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        Safety = await safety.ComputeAsync(scope, now, Weeks, ct);
        Record = await record.ComputeAsync(scope, now, Weeks, ct);
    }
}
