using Iot.Cloud.Alerts;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Localization;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Dashboards;

/// <summary>A maintenance window in force, in words: where, why, by whom, until when.</summary>
/// <param name="Id">The window's id.</param>
/// <param name="Where">The courtyard, and the unit or device when the window is for one.</param>
/// <param name="Organisation">Who answers for opening it: the company, the residents' committee or the street office.</param>
/// <param name="Reason">Why, as its opener wrote it.</param>
/// <param name="Person">The person who opened it (staff pages only; null on the public page).</param>
/// <param name="From">When it began.</param>
/// <param name="Until">When it ends.</param>
public sealed record WindowNotice(long Id, string Where, string Reason, string Organisation, string? Person, DateTimeOffset From, DateTimeOffset Until);

/// <summary>
/// The maintenance windows in force ("维护中"), for the community dashboard and the public page: alerts in them are
/// silenced, so the community sees each one, with its reason and who opened it.
/// </summary>
public sealed class MaintenanceNotices(CloudDb db, SiteRegistry registry, Lang lang, TimeProvider time)
{
    /// <summary>The windows in force now within <paramref name="scope"/>; with people's names unless <paramref name="forPublic"/>.</summary>
    public async Task<IReadOnlyList<WindowNotice>> CurrentAsync(AccessScope scope, bool forPublic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var now = time.GetUtcNow();
        var windows = await db.MaintenanceWindows.AsNoTracking().Where(scope.MaintenanceWindows).Where(w => w.From <= now && w.Until > now)
            .OrderBy(w => w.Until).ToListAsync(cancellationToken);
        if (windows.Count == 0)
        {
            return [];
        }

        var openers = windows.Select(w => w.CreatedBy).Distinct().ToList();
        var accounts = await db.Users.AsNoTracking().Where(u => openers.Contains(u.UserName!))
            .Select(u => new { u.UserName, u.DisplayName, u.Role, u.PartyId, u.CommunityId }).ToDictionaryAsync(u => u.UserName!, cancellationToken);
        var site = registry.Current?.Site;
        var places = new Places(registry, lang);
        return [.. windows.Select(w =>
        {
            accounts.TryGetValue(w.CreatedBy, out var who);
            var organisation = who?.Role switch
            {
                StaffRole.StreetAdmin => lang["the street office"],
                StaffRole.CommunitySupervisor => site?.Communities.FirstOrDefault(c => c.Id.Value == who.CommunityId)?.Name is { } community ? lang.F("{0} residents' committee", community) : lang["the residents' committee"],
                _ => site?.Manifest.Parties.FirstOrDefault(p => p.Id.Value == who?.PartyId)?.Name ?? lang["the responsible party"],
            };
            var where = w.Subject is { } subject ? places.Where(w.CourtyardId, subject) : places.Courtyard(w.CourtyardId);
            return new WindowNotice(w.Id, where, w.Reason, organisation, forPublic ? null : who?.DisplayName ?? w.CreatedBy, w.From, w.Until);
        })];
    }
}
