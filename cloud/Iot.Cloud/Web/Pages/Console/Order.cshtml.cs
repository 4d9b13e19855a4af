using System.Security.Claims;
using Iot.Cloud.Alerts;
using Iot.Cloud.Audit;
using Iot.Cloud.Auth;
using Iot.Cloud.Commands;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Ratings;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Commands;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Pages.Console;

/// <summary>
/// One work order: what, where, due; its alerts, comments, photos and audit trail; the moves its status allows
/// (for the responsible party and the street office); comment for everyone in scope; rating for the community.
/// An open order for an outlet's cut-off offers the remote reset (checklist, reason) and shows its commands live.
/// Another company's order is not found, exactly like one that does not exist.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class OrderModel(CloudDb db, AccessScope scope, SiteRegistry registry, Localization.Lang lang, TimeProvider time) : PageModel
{
    public AccessScope Scope => scope;

    public WorkOrderView Order { get; private set; } = null!;

    public string CourtyardName { get; private set; } = string.Empty;

    public string PartyName { get; private set; } = string.Empty;

    public IReadOnlyList<AlertView> Alerts { get; private set; } = [];

    public IReadOnlyList<CommentView> Comments { get; private set; } = [];

    public IReadOnlyList<PhotoView> Photos { get; private set; } = [];

    public IReadOnlyList<AuditView> Audit { get; private set; } = [];

    /// <summary>What was sent about the order, on which channel, and what the platform answered.</summary>
    public IReadOnlyList<Notifications.DeliveryView> Deliveries { get; private set; } = [];

    public IReadOnlyList<WorkOrderStatus> Next { get; private set; } = [];

    /// <summary>The community (or the street office) may send a repair back, saying what is still wrong.</summary>
    public bool SendsBack { get; private set; }

    public IReadOnlyList<WorkOrderRating> Ratings { get; private set; } = [];

    /// <summary>People of the responsible party who can be assigned (user name, display name).</summary>
    public IReadOnlyList<(string User, string Name)> Team { get; private set; } = [];

    /// <summary>People, escalations, due times and history in the page language.</summary>
    public Orders.OrderWords Words { get; private set; } = null!;

    public Localization.Places Places { get; } = new(registry, lang);

    /// <summary>The resident's call-back number, for the responsible party's staff only.</summary>
    public string? Phone { get; private set; }

    /// <summary>The order's commands, when it is an outlet's cut-off order or has any.</summary>
    public CommandPanel? Commands { get; private set; }

    /// <summary>The outlet whose cut-off this order is, if it is one.</summary>
    public OutletRef? CutOff { get; private set; }

    /// <summary>The cut-off charging station's name.</summary>
    public string CutOffName { get; private set; } = string.Empty;

    /// <summary>The outlet may be reset from here: the order is open, and the person works it.</summary>
    public bool MayReset => CutOff is not null && scope.MayChangeWork && Order.Status is not (WorkOrderStatus.Closed or WorkOrderStatus.Cancelled);

    /// <summary>The signed-in person, as a reset names them.</summary>
    public string Me => User.FindFirstValue(StaffClaims.DisplayName) ?? User.Identity?.Name ?? string.Empty;

    public bool MayRate => scope.Role is StaffRole.CommunitySupervisor or StaffRole.StreetAdmin
        && Order.Status is WorkOrderStatus.Fixed or WorkOrderStatus.Verified or WorkOrderStatus.Closed;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var order = await db.WorkOrders.AsNoTracking().Where(scope.WorkOrders).SingleOrDefaultAsync(w => w.Id == id, ct);
        if (order is null)
        {
            return NotFound();
        }

        Order = WorkOrderView.Of(order, time.GetUtcNow());
        Phone = await ReporterPhone.RevealAsync(db, scope, order, time.GetUtcNow(), ct);
        var courtyard = registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id == order.CourtyardId).Courtyard;
        CourtyardName = courtyard?.Name ?? order.CourtyardId.Value;
        CutOff = await OutletCutOffs.OutletOfAsync(db, id, ct);
        var commands = await CommandView.LoadAsync(db, db.Commands.Where(c => c.WorkOrderId == id).OrderByDescending(c => c.Id).Take(100), time.GetUtcNow(), ct);
        if (CutOff is not null || commands.Count > 0)
        {
            var devices = CommandPanel.DeviceNames(courtyard);
            Commands = new CommandPanel(order.CourtyardId, id, $"/api/work-orders/{id}/commands", commands, devices);
            CutOffName = CutOff is { } cut ? devices.GetValueOrDefault($"{cut.Agent}/{cut.Device}", cut.Device.Value) : string.Empty;
        }

        PartyName = await db.Parties.AsNoTracking().Where(p => p.Id == order.PartyId).Select(p => p.Name).SingleOrDefaultAsync(ct) ?? order.PartyId;
        Alerts = (await db.Alerts.AsNoTracking().Where(a => a.WorkOrderId == id).OrderBy(a => a.Id).ToListAsync(ct)).Select(AlertView.Of).ToList();
        Comments = await db.WorkOrderComments.AsNoTracking().Where(c => c.WorkOrderId == id).OrderBy(c => c.Id).Select(c => new CommentView(c.Id, c.At, c.By, c.Text)).ToListAsync(ct);
        Photos = await db.WorkOrderAttachments.AsNoTracking().Where(a => a.WorkOrderId == id).OrderBy(a => a.Id).Select(a => new PhotoView(a.Id, a.At, a.By, a.ContentType, a.FileName, a.Content.Length)).ToListAsync(ct);
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Audit = await db.AuditLog.AsNoTracking().Where(a => a.Entity == "workOrder" && a.EntityId == key).OrderBy(a => a.Id).Select(a => new AuditView(a.At, a.Actor, a.Action, a.Detail)).ToListAsync(ct);
        Deliveries = await Notifications.DeliveriesApi.ForOrderAsync(db, id, ct);
        Next = WorkOrderRoles.Next(scope, order);
        SendsBack = order.Status == WorkOrderStatus.Fixed && !scope.IsPartyRole && Next.Contains(WorkOrderStatus.InProgress);
        Ratings = await db.Ratings.AsNoTracking().Where(r => r.WorkOrderId == id).OrderBy(r => r.Id).ToListAsync(ct);
        var accounts = await db.Users.AsNoTracking().Where(u => u.UserName != null).Select(u => new { u.UserName, u.DisplayName, u.PartyId, u.Role }).ToListAsync(ct);
        Words = await Orders.OrderWords.LoadAsync(db, lang, registry, ct);
        Team = accounts.Where(u => u.PartyId == order.PartyId && u.Role != StaffRole.CommunitySupervisor).Select(u => (u.UserName!, u.DisplayName ?? u.UserName!)).ToList();
        return Page();
    }

    public string Person(string? user) => Words.Person(user);
}
