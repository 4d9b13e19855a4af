using Iot.Cloud.Alerts;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Pages.Console;

/// <summary>
/// The staff console: live alerts (filter by courtyard, kind, severity; confirm from the list, which takes the alert's
/// work order) and the work-order queue with time left and escalation: mine (for those who can be assigned work), the
/// party's, the community's or all (by role), overdue. Only what is in the person's scope; alerts and queue counts
/// change over <c>/api/live</c> without a reload.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class IndexModel(CloudDb db, AccessScope scope, SiteRegistry registry, Localization.Lang lang, TimeProvider time) : PageModel
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

    /// <summary>The units and devices of those courtyards by subject, for the live updates.</summary>
    public IReadOnlyDictionary<string, string> SubjectNames { get; private set; } = new Dictionary<string, string>();

    /// <summary>People, escalations and due times in the page language.</summary>
    public Web.Orders.OrderWords Words { get; private set; } = null!;

    public Localization.Places Places { get; } = new(registry, lang);

    /// <summary>"Mine" is for those who are assigned work (the party's people); others see their whole scope.</summary>
    public bool ShowMine => scope.IsPartyRole;

    /// <summary>The whole queue's name: the party's, the community's, or everything for the street office.</summary>
    public string TeamLabel => scope.Role switch
    {
        StaffRole.CommunitySupervisor => "My community",
        StaffRole.StreetAdmin => "All orders",
        _ => "My team",
    };

    public async Task OnGetAsync(string? courtyard, string? kind, Severity? severity, string? queue, CancellationToken ct)
    {
        Courtyard = string.IsNullOrEmpty(courtyard) ? null : courtyard;
        Kind = string.IsNullOrEmpty(kind) ? null : kind;
        Severity = severity;
        Queue = (queue == "mine" && ShowMine) || queue == "overdue" ? queue : "team";
        var inScope = (registry.Current?.Site.Courtyards ?? []).Select(c => c.Courtyard).Where(c => scope.Courtyard(c.Id)).ToList();
        Courtyards = inScope.ToDictionary(c => c.Id.Value, c => c.Name, StringComparer.Ordinal);
        SubjectNames = Places.Names(inScope.Select(c => c.Id));

        // A courtyard that is not one matches nothing (the default id is empty text).
        CourtyardId? only = Courtyard is null ? null : CourtyardId.TryParse(Courtyard, out var parsed, out _) ? parsed : default(CourtyardId);

        var alerts = await db.Alerts.AsNoTracking().Where(scope.Alerts)
            .Where(a => a.ClosedAt == null && (only == null || a.CourtyardId == only) && (Kind == null || a.Target == Kind) && (Severity == null || a.Severity == Severity))
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
        Words = await Web.Orders.OrderWords.LoadAsync(db, lang, registry, ct);
    }

    public string CourtyardName(CourtyardId id) => Courtyards.GetValueOrDefault(id.Value, id.Value);

    public string Person(string? user) => Words.Person(user);

    /// <summary>An alert's device (or unit, or outlet) by name.</summary>
    public string Thing(AlertView a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Places.Subject(a.Courtyard, new Subject(a.Agent, a.Device, a.Outlet).ToString());
    }
}
