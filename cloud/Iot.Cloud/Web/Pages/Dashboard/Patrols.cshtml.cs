using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Patrols;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Localization;
using Iot.Protocol.Sites;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Pages.Dashboard;

/// <summary>
/// The block patrol plans (街区巡查计划) the residents' committee keeps: per block, which courtyards are walked, how
/// often and what is checked; and how the last 30 days went, per block and per responsible party.
/// </summary>
[Authorize(Policy = Policies.Supervise)]
public sealed class PatrolsModel(PatrolService patrols, PatrolRecord record, CloudDb db, AccessScope scope, SiteRegistry registry, Lang lang, TimeProvider time) : PageModel
{
    /// <summary>A block with its courtyards in scope and its plan, if it has one.</summary>
    public sealed record BlockPlan(BlockManifest Block, string CommunityName, IReadOnlyList<CourtyardManifest> Courtyards, PatrolPlan? Plan);

    public IReadOnlyList<BlockPlan> Blocks { get; private set; } = [];

    public IReadOnlyList<PatrolFigures> ByBlock { get; private set; } = [];

    public IReadOnlyList<PatrolFigures> ByParty { get; private set; } = [];

    public DateTimeOffset From { get; private set; }

    public DateTimeOffset To { get; private set; }

    public string? Problem { get; private set; }

    public string? ProblemBlock { get; private set; }

    public string? Done { get; private set; }

    /// <summary>The people who last changed the plans, by account name.</summary>
    public IReadOnlyDictionary<string, string> People { get; private set; } = new Dictionary<string, string>();

    public string Person(string user) => People.GetValueOrDefault(user, user);

    /// <summary>Parties and blocks by name.</summary>
    public Places Places { get; } = new(registry, lang);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(string block, PatrolFrequency? frequency, string[]? courtyards, string[]? items, CancellationToken ct)
    {
        var (plan, refusal) = await patrols.SavePlanAsync(db, scope, block, new PlanRequest(frequency, courtyards, items), ct);
        if (plan is null && refusal is null)
        {
            return NotFound();
        }

        if (refusal is { } problem)
        {
            Problem = lang.Say(problem.Problem);
            ProblemBlock = block;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            Done = lang.F("The plan of {0} is saved.", Places.Block(block));
        }

        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var site = registry.Current?.Site;
        var plans = await db.PatrolPlans.AsNoTracking().ToListAsync(ct);
        Blocks = [.. (site?.Communities ?? []).SelectMany(c => c.Blocks.Select(b => new BlockPlan(
                b, c.Name, [.. c.Courtyards.Where(y => y.Block == b.Id && scope.Courtyard(y.Id))], plans.FirstOrDefault(p => p.BlockId == b.Id.Value))))
            .Where(b => b.Courtyards.Count > 0)];
        var editors = plans.Select(p => p.UpdatedBy).Distinct().ToList();
        People = await db.Users.AsNoTracking().Where(u => editors.Contains(u.UserName!)).ToDictionaryAsync(u => u.UserName!, u => u.DisplayName ?? u.UserName!, ct);
        To = time.GetUtcNow();
        From = To.AddDays(-30);
        ByBlock = await record.ComputeAsync(db, From, To, byBlock: true, c => scope.Courtyard(c), null, ct);
        ByParty = await record.ComputeAsync(db, From, To, byBlock: false, c => scope.Courtyard(c), null, ct);
    }
}
