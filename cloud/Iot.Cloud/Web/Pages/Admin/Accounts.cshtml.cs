using Iot.Cloud.Auth;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Localization;
using Iot.Protocol.Sites;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Cloud.Web.Pages.Admin;

/// <summary>The street office's account page: list, create (role and scope checked against the site), unlock, reset a password.</summary>
[Authorize(Policy = Policies.StreetAdmin)]
public sealed class AccountsModel(AccountService accounts, SiteRegistry registry, Lang lang) : PageModel
{
    public IReadOnlyList<Account> Accounts { get; private set; } = [];

    public IReadOnlyList<PartyManifest> Parties { get; private set; } = [];

    public IReadOnlyList<CommunityManifest> Communities { get; private set; } = [];

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public string? Done { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string userName, string password, StaffRole role, string? party, string? community, string? displayName, CancellationToken ct)
    {
        var (account, problems) = await accounts.CreateAsync(new AccountRequest(userName ?? string.Empty, password ?? string.Empty, role, party, community, displayName), User.Identity!.Name!);
        return await AnswerAsync(problems, account is null ? null : lang.F("Account {0} created.", account.UserName), ct);
    }

    public async Task<IActionResult> OnPostUnlockAsync(string userName, CancellationToken ct) =>
        await AnswerAsync(await accounts.UnlockAsync(userName, User.Identity!.Name!) ? [] : [lang["No such account."]], lang.F("Account {0} unlocked.", userName), ct);

    public async Task<IActionResult> OnPostPasswordAsync(string userName, string password, CancellationToken ct)
    {
        var problems = await accounts.SetPasswordAsync(userName, password ?? string.Empty, User.Identity!.Name!);
        return await AnswerAsync(problems, lang.F("New password set for {0}.", userName), ct);
    }

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
        Accounts = await accounts.ListAsync(ct);
        Parties = registry.Current?.Site.Manifest.Parties ?? [];
        Communities = registry.Current?.Site.Communities ?? [];
    }
}
