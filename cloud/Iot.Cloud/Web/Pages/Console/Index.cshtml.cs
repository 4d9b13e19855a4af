using Iot.Cloud.Alerts;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Pages.Console;

/// <summary>
/// The staff console: live alerts (filter by courtyard, kind, severity; acknowledge from the list) and the work-order
/// queue (mine, my team, overdue) with time left. Only what is in the person's scope; new alerts arrive over
/// <c>/api/live</c> without a reload.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class IndexModel(CloudDb db, AccessScope scope, SiteRegistry registry, TimeProvider time) : PageModel
{
    public static readonly IReadOnlyList<string> Kinds = ["streetlight", "gate", "drain", "charger", "agent", "device"];

    public AccessScope Scope => scope;

    public string? Courtyard { get; private set; }

    public string? Kind { get; private set; }

    public Severity? Severity { get; private set; }

    public string Queue { get; private set; } = "team";

    public IReadOnlyList<AlertView> Alerts { get; private set; } = [];

    public IReadOnlyList<WorkOrderView> Orders { get; private set; } = [];

    public IReadOnlyDictionary<string, int> QueueCounts { get; private set; } = new Dictionary<string, int>();

    /// <summary>Courtyards in scope, id → name, in site order.</summary>
    public IReadOnlyDictionary<string, string> Courtyards { get; private set; } = new Dictionary<string, string>();

    /// <summary>Account names → display names (for who an order is assigned to).</summary>
    public IReadOnlyDictionary<string, string> People { get; private set; } = new Dictionary<string, string>();

    public async Task OnGetAsync(string? courtyard, string? kind, Severity? severity, string? queue, CancellationToken ct)
    {
        Courtyard = string.IsNullOrEmpty(courtyard) ? null : courtyard;
        Kind = string.IsNullOrEmpty(kind) ? null : kind;
        Severity = severity;
        Queue = queue is "mine" or "overdue" ? queue : "team";
        Courtyards = (registry.Current?.Site.Courtyards ?? [])
            .Where(c => scope.Courtyard(c.Courtyard.Id.Value))
            .ToDictionary(c => c.Courtyard.Id.Value, c => c.Courtyard.Name, StringComparer.Ordinal);

        var alerts = await db.Alerts.AsNoTracking().Where(scope.Alerts)
            .Where(a => a.ClosedAt == null && (Courtyard == null || a.CourtyardId == Courtyard) && (Kind == null || a.Target == Kind) && (Severity == null || a.Severity == Severity))
            .OrderByDescending(a => a.Id).Take(200).ToListAsync(ct);
        Alerts = alerts.Select(AlertView.Of).ToList();

        var now = time.GetUtcNow();
        var me = User.Identity?.Name;
        var open = (await db.WorkOrders.AsNoTracking().Where(scope.WorkOrders)
            .Where(w => w.ClosedAt == null && w.CancelledAt == null).OrderByDescending(w => w.Id).Take(500).ToListAsync(ct))
            .Select(w => WorkOrderView.Of(w, now)).ToList();
        QueueCounts = new Dictionary<string, int>
        {
            ["mine"] = open.Count(o => o.AssignedTo == me),
            ["team"] = open.Count,
            ["overdue"] = open.Count(o => o.Overdue),
        };
        Orders = Queue switch
        {
            "mine" => open.Where(o => o.AssignedTo == me).ToList(),
            "overdue" => open.Where(o => o.Overdue).ToList(),
            _ => open,
        };
        People = await db.Users.AsNoTracking().Where(u => u.UserName != null).ToDictionaryAsync(u => u.UserName!, u => u.DisplayName ?? u.UserName!, ct);
    }

    public string CourtyardName(string id) => Courtyards.GetValueOrDefault(id, id);

    public string Person(string? user) => user is null ? "—" : People.GetValueOrDefault(user, user);
}
