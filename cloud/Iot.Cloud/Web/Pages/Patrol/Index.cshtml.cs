using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Patrols;
using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Pages.Patrol;

/// <summary>
/// The patrol round on a phone (巡查): the courtyards to walk in the person's scope, by block, each marked walked or not
/// in the plan's current day or week. Opens offline once visited (the page's service worker keeps a copy).
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class PatrolIndexModel(CloudDb db, AccessScope scope, SiteRegistry registry, Localization.Lang lang) : PageModel
{
    /// <summary>A courtyard to walk: its plan's period, and whether it was walked in it.</summary>
    public sealed record Stop(CourtyardId Id, string Name, PatrolFrequency? Frequency, DateTimeOffset? LastWalked, bool WalkedThisPeriod);

    /// <summary>The courtyards by block: the planned ones first, in the plan's order.</summary>
    public IReadOnlyList<(string Block, IReadOnlyList<Stop> Stops)> Blocks { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var site = registry.Current?.Site;
        var courtyards = (site?.Courtyards ?? []).Where(c => scope.Courtyard(c.Courtyard.Id)).ToList();
        var ids = courtyards.Select(c => c.Courtyard.Id).ToList();
        var plans = await db.PatrolPlans.AsNoTracking().ToListAsync(ct);
        var since = lang.Now.AddDays(-8);
        var last = await db.PatrolRounds.AsNoTracking().Where(r => ids.Contains(r.CourtyardId) && r.WalkedAt >= since)
            .GroupBy(r => r.CourtyardId).Select(g => new { Courtyard = g.Key, At = g.Max(r => r.WalkedAt) }).ToListAsync(ct);
        var today = lang.StartOf(lang.Day(lang.Now));
        var monday = today.AddDays(-(((int)lang.Local(lang.Now).DayOfWeek + 6) % 7));
        Blocks = [.. courtyards.GroupBy(c => c.Courtyard.Block.Value).Select(g =>
        {
            var plan = plans.FirstOrDefault(p => p.BlockId == g.Key);
            var blockName = g.First().Community.Blocks.FirstOrDefault(b => b.Id.Value == g.Key)?.Name ?? g.Key;
            var stops = g.Select(c =>
            {
                var planned = plan?.Courtyards.Contains(c.Courtyard.Id) == true;
                var walked = last.FirstOrDefault(l => l.Courtyard == c.Courtyard.Id)?.At;
                var periodStart = plan?.Frequency == PatrolFrequency.Weekly ? monday : today;
                return new Stop(c.Courtyard.Id, c.Courtyard.Name, planned ? plan!.Frequency : null, walked, walked >= periodStart);
            }).OrderBy(s => s.Frequency is null).ThenBy(s => plan?.Courtyards.IndexOf(s.Id) ?? 0).ToList(); // then the manifest's order
            return (blockName, (IReadOnlyList<Stop>)stops);
        })];
    }
}
