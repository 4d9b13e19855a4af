using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Localization;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Dashboards;

/// <summary>An open fault (work order) as the dashboard and the public page list it.</summary>
/// <param name="OrderId">The order's id (for staff links).</param>
/// <param name="Courtyard">The courtyard's name.</param>
/// <param name="ElderlyAlone">Households there with elderly residents living alone (0 when none is recorded).</param>
/// <param name="Source">Where the order came from.</param>
/// <param name="Fault">What is wrong (a patrol finding's is <c>patrol-{item}</c>).</param>
/// <param name="Kind">The device kind (<c>streetlight</c>, ...), <c>other</c> for a report that names none.</param>
/// <param name="Severity">How serious.</param>
/// <param name="Status">Where its repair is.</param>
/// <param name="Since">When this life of the order began.</param>
/// <param name="FixDueAt">When it must be fixed.</param>
public sealed record OpenFault(long OrderId, string Courtyard, int ElderlyAlone, WorkOrderSource Source, string Fault, string Kind, Severity Severity, WorkOrderStatus Status, DateTimeOffset Since, DateTimeOffset FixDueAt)
{
    /// <summary>What is wrong in the page's words: a patrol finding's checklist item, else the device kind. Never free text.</summary>
    public string What(Lang lang)
    {
        ArgumentNullException.ThrowIfNull(lang);
        return Source == WorkOrderSource.Patrol && Patrols.PatrolItems.Find(Fault["patrol-".Length..]) is { } item ? lang[item.English] : lang.Kind(Kind);
    }
}

/// <summary>The open faults in a scope, the most urgent first, and how many more there are.</summary>
public sealed record OpenFaultList(IReadOnlyList<OpenFault> Shown, int More);

/// <summary>
/// The faults still open, for the community dashboard and the public page: those in courtyards where elderly people
/// live alone first (a dark stairway matters most there), then by severity, then the oldest. No free text at all (a
/// title a person typed may name someone): what is wrong by kind or checklist item, and where the order came from.
/// </summary>
public sealed class OpenFaults(CloudDb db, SiteRegistry registry)
{
    /// <summary>At most <paramref name="limit"/> of the open faults within <paramref name="scope"/>.</summary>
    public async Task<OpenFaultList> ListAsync(AccessScope scope, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var courtyards = (registry.Current?.Site.Courtyards ?? []).Select(c => c.Courtyard).Where(c => scope.Courtyard(c.Id)).ToDictionary(c => c.Id);
        var ids = courtyards.Keys.ToList();
        var open = await db.WorkOrders.AsNoTracking().Where(w => ids.Contains(w.CourtyardId) && w.ClosedAt == null && w.CancelledAt == null)
            .Select(w => new { w.Id, w.CourtyardId, w.PartyId, w.Source, w.Fault, w.Target, w.Severity, w.Status, w.CreatedAt, w.ReopenedAt, w.FixDueAt })
            .ToListAsync(cancellationToken);
        var ordered = open.Where(w => scope.Order(w.PartyId, w.CourtyardId))
            .Select(w => new OpenFault(w.Id, courtyards[w.CourtyardId].Name, courtyards[w.CourtyardId].ElderlyAlone ?? 0, w.Source, w.Fault, w.Target, w.Severity, w.Status, w.ReopenedAt ?? w.CreatedAt, w.FixDueAt))
            .OrderByDescending(f => f.ElderlyAlone > 0).ThenByDescending(f => f.Severity).ThenBy(f => f.Since).ThenBy(f => f.OrderId)
            .ToList();
        return new OpenFaultList([.. ordered.Take(limit)], Math.Max(0, ordered.Count - limit));
    }
}
