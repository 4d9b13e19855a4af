using Iot.Cloud.Audit;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Cloud.Volunteers;
using Iot.Cloud.Web.Dashboards;
using Iot.Cloud.Web.Localization;
using Iot.Protocol.Sites;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Pages.Dashboard;

/// <summary>
/// The residents' committee's volunteers (志愿者与楼栋长): its teams, its volunteers and building heads with what each
/// did this month (rounds, findings, confirmed repairs, for the community's recognition), and their accounts, which
/// the committee creates, disables, moves to another team or block of its community, and whose passwords it resets.
/// Any other account is not the committee's: a post about one is answered 404. The street office sees every community's.
/// </summary>
[Authorize(Policy = Policies.Supervise)]
public sealed class VolunteersModel(DashboardPatrols patrols, AccountService accounts, CloudDb db, AccessScope scope, SiteRegistry registry, Lang lang, TimeProvider time) : PageModel
{
    /// <summary>What the new-volunteer form holds after a refusal.</summary>
    public sealed record HelperForm(string UserName = "", string DisplayName = "", StaffRole Role = StaffRole.Volunteer, string Community = "", string Block = "", long? Team = null);

    public VolunteerMonth Month { get; private set; } = null!;

    /// <summary>The communities whose volunteers the person keeps.</summary>
    public IReadOnlyList<CommunityManifest> Communities { get; private set; } = [];

    public HelperForm Form { get; private set; } = new();

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public string? Done { get; private set; }

    /// <summary>After a reset: the account and its temporary password, shown this once.</summary>
    public (string UserName, string Password)? Temporary { get; private set; }

    public string CommunityName(string id) => Communities.FirstOrDefault(c => c.Id.Value == id)?.Name ?? id;

    public string? BlockName(string? id) => id is null ? null : new Places(registry, lang).Block(id);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostTeamAsync(string? community, string? name, CancellationToken ct)
    {
        await LoadAsync(ct);
        name = name?.Trim();
        if (Communities.All(c => c.Id.Value != community) || string.IsNullOrEmpty(name) || name.Length > 64)
        {
            return await AnswerAsync([lang["A team needs its community and a name of at most 64 characters."]], null, ct);
        }

        if (await db.VolunteerTeams.AnyAsync(t => t.CommunityId == community && t.Name == name, ct))
        {
            return await AnswerAsync([lang.F("There is already a team called {0}.", name)], null, ct);
        }

        var now = time.GetUtcNow();
        db.VolunteerTeams.Add(new VolunteerTeam { CommunityId = community!, Name = name, CreatedAt = now, CreatedBy = scope.Name! });
        db.AuditLog.Add(AuditEntry.Of(now, scope.Name!, "volunteerTeam", community!, "created", name));
        await db.SaveChangesAsync(ct);
        return await AnswerAsync([], lang.F("Team {0} created.", name), ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? userName, string? displayName, StaffRole role, string? community, string? block, long? team, string? password, CancellationToken ct)
    {
        await LoadAsync(ct);
        Form = new HelperForm(userName ?? string.Empty, displayName ?? string.Empty, role, community ?? string.Empty, block ?? string.Empty, team);
        if (role is not (StaffRole.Volunteer or StaffRole.BuildingHead) || Communities.All(c => c.Id.Value != community))
        {
            return await AnswerAsync([lang["Choose volunteer or building head, and the community."]], null, ct);
        }

        var (account, problems) = await accounts.CreateAsync(new AccountRequest(Form.UserName, password ?? string.Empty, role, null, community, displayName, block, team), scope.Name!);
        if (account is not null)
        {
            Form = new HelperForm();
        }

        return await AnswerAsync([.. problems.Select(p => Admin.AccountsModel.Words(lang, p, role))], account is null ? null : lang.F("Account {0} created.", account.UserName), ct);
    }

    public async Task<IActionResult> OnPostDisableAsync(string userName, CancellationToken ct) =>
        await HelperOfMineAsync(userName, ct)
            ? await AnswerAsync([], await accounts.DisableAsync(userName, scope.Name!) ? lang.F("Account {0} disabled: it cannot sign in, and its sessions have ended.", userName) : null, ct)
            : NotFound();

    public async Task<IActionResult> OnPostEnableAsync(string userName, CancellationToken ct) =>
        await HelperOfMineAsync(userName, ct)
            ? await AnswerAsync([], await accounts.EnableAsync(userName, scope.Name!) ? lang.F("Account {0} enabled.", userName) : null, ct)
            : NotFound();

    /// <summary>Moves a volunteer or building head to another team or block of the same community (or between the two roles).</summary>
    public async Task<IActionResult> OnPostMoveAsync(string userName, StaffRole role, string? block, long? team, CancellationToken ct)
    {
        if (await HelperAsync(userName, ct) is not { } helper)
        {
            return NotFound();
        }

        if (role is not (StaffRole.Volunteer or StaffRole.BuildingHead))
        {
            return await AnswerAsync([lang["Choose volunteer or building head, and the community."]], null, ct);
        }

        var problems = await accounts.ChangeAsync(userName, new AccountScope(role, null, helper.CommunityId, block, team), scope.Name!);
        return await AnswerAsync([.. problems.Select(p => Admin.AccountsModel.Words(lang, p, role))], lang.F("Account {0} changed: its sessions have ended, and it signs in again with the new role.", userName), ct);
    }

    public async Task<IActionResult> OnPostResetAsync(string userName, CancellationToken ct)
    {
        if (await HelperAsync(userName, ct) is null)
        {
            return NotFound();
        }

        var (temporary, problems) = await accounts.ResetPasswordAsync(userName, scope.Name!);
        Temporary = temporary is null ? null : (userName, temporary);
        Response.Headers.CacheControl = "no-store";
        return await AnswerAsync([.. problems.Select(p => Admin.AccountsModel.Words(lang, p, StaffRole.Volunteer))], lang.F("Password of {0} reset: its sessions have ended.", userName), ct);
    }

    private Task<Account?> HelperAsync(string userName, CancellationToken ct) =>
        db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == userName && (u.Role == StaffRole.Volunteer || u.Role == StaffRole.BuildingHead) && (scope.SeesEverything || u.CommunityId == scope.Community), ct);

    // The committee keeps its own community's volunteers and building heads, no other account.
    private Task<bool> HelperOfMineAsync(string userName, CancellationToken ct) =>
        db.Users.AnyAsync(u => u.UserName == userName && (u.Role == StaffRole.Volunteer || u.Role == StaffRole.BuildingHead) && (scope.SeesEverything || u.CommunityId == scope.Community), ct);

    private async Task<PageResult> AnswerAsync(IReadOnlyList<string> problems, string? done, CancellationToken ct)
    {
        Problems = problems;
        Done = problems.Count == 0 ? done : null;
        if (problems.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var all = registry.Current?.Site.Communities ?? [];
        Communities = [.. all.Where(c => scope.SeesEverything || c.Id.Value == scope.Community)];
        Month = await patrols.VolunteersAsync(scope, ct);
    }
}
