using Iot.Cloud.Auth;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Dashboards;
using Microsoft.AspNetCore.Authorization;

namespace Iot.Cloud.Web.Pages.Dashboard;

/// <summary>The weekly report: the dashboard's figures laid out for printing (the browser's print or save as PDF).</summary>
[Authorize(Policy = Policies.Staff)]
public sealed class WeeklyModel(SafetyFigures safety, ServiceRecord record, MaintenanceNotices maintenance, OpenFaults faults, DashboardPatrols patrols, AccessScope scope, SiteRegistry registry, TimeProvider time)
    : DashboardModel(safety, record, maintenance, faults, patrols, scope, registry, time);
