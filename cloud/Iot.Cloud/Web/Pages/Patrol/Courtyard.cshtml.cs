using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Patrols;
using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Pages.Patrol;

/// <summary>
/// One courtyard's checklist, in large type for a phone: each item fine or a problem; a problem takes a note and a
/// photo. The page's script gives the round its key (sending it twice, a tap and the phone's queue, makes one round) and
/// sends it to <c>/api/patrols/rounds</c>, or keeps it on the phone until there is signal.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class PatrolCourtyardModel(CloudDb db, AccessScope scope, SiteRegistry registry) : PageModel
{
    public string Courtyard { get; private set; } = string.Empty;

    public string Name { get; private set; } = string.Empty;

    /// <summary>The checklist: the block plan's, else every item.</summary>
    public IReadOnlyList<PatrolItem> Items { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string courtyard, CancellationToken ct)
    {
        if (!CourtyardId.TryParse(courtyard, out var id, out _) || !scope.Courtyard(id)
            || registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id == id) is not { } place)
        {
            return NotFound();
        }

        Courtyard = id.Value;
        Name = place.Courtyard.Name;
        var block = place.Courtyard.Block.Value;
        var plan = await db.PatrolPlans.AsNoTracking().FirstOrDefaultAsync(p => p.BlockId == block, ct);
        Items = [.. (plan?.Items ?? [.. PatrolItems.Default]).Select(i => PatrolItems.Find(i)!)];
        return Page();
    }
}
