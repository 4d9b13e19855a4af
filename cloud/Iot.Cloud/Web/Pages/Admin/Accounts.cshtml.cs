using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Localization;
using Iot.Protocol.Sites;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Cloud.Web.Pages.Admin;

/// <summary>
/// The street office's account page: list, create (role and scope checked against the site), change role and
/// scope, reset a password (a temporary one, shown once), disable and enable. Each change ends the account's sessions.
/// A refusal is the page again with what was typed (never the password) and each problem in the page's words, next to
/// its field.
/// </summary>
[Authorize(Policy = Policies.StreetAdmin)]
public sealed class AccountsModel(AccountService accounts, SiteRegistry registry, Lang lang) : PageModel
{
    /// <summary>What the new-account form holds: empty at first, what was sent after a refusal.</summary>
    public sealed record AccountForm(string UserName = "", string DisplayName = "", StaffRole Role = StaffRole.PropertyStaff, string Party = "", string Community = "", string Block = "");

    /// <summary>A problem in the page's words, and the field it is about.</summary>
    public sealed record Problem(AccountField Field, string Words);

    public IReadOnlyList<Account> Accounts { get; private set; } = [];

    public IReadOnlyList<PartyManifest> Parties { get; private set; } = [];

    public IReadOnlyList<CommunityManifest> Communities { get; private set; } = [];

    public AccountForm Form { get; private set; } = new();

    public IReadOnlyList<Problem> Problems { get; private set; } = [];

    /// <summary>What the refusal was about: the new account, or a new password for this account.</summary>
    public string? Refused { get; private set; }

    public string? Done { get; private set; }

    /// <summary>After a reset: the account and its temporary password, shown this once and never stored in clear.</summary>
    public (string UserName, string Password)? Temporary { get; private set; }

    /// <summary>The account whose change of role or scope was refused, so its row opens with the problems.</summary>
    public string? ChangeFor { get; private set; }

    public string? ProblemOf(AccountField field) => Problems.FirstOrDefault(p => p.Field == field)?.Words;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string? userName, string? password, StaffRole role, string? party, string? community, string? block, string? displayName, CancellationToken ct)
    {
        Form = new AccountForm(userName ?? string.Empty, displayName ?? string.Empty, role, party ?? string.Empty, community ?? string.Empty, block ?? string.Empty);
        var (account, problems) = await accounts.CreateAsync(new AccountRequest(Form.UserName, password ?? string.Empty, role, party, community, displayName, block), User.Identity!.Name!);
        if (account is not null)
        {
            Form = new AccountForm();
        }

        return await AnswerAsync(problems, account is null ? lang["The account was not created. Please correct:"] : null, account is null ? null : lang.F("Account {0} created.", account.UserName), ct);
    }

    public async Task<IActionResult> OnPostDisableAsync(string userName, CancellationToken ct) =>
        await AnswerAsync(
            await accounts.DisableAsync(userName, User.Identity!.Name!) ? [] : [new AccountProblem(AccountField.UserName, AccountProblemKind.NoSuchAccount, "no such account", userName)],
            lang.F("{0} was not disabled:", userName),
            lang.F("Account {0} disabled: it cannot sign in, and its sessions have ended.", userName),
            ct);

    public async Task<IActionResult> OnPostEnableAsync(string userName, CancellationToken ct) =>
        await AnswerAsync(
            await accounts.EnableAsync(userName, User.Identity!.Name!) ? [] : [new AccountProblem(AccountField.UserName, AccountProblemKind.NoSuchAccount, "no such account", userName)],
            lang.F("{0} was not enabled:", userName),
            lang.F("Account {0} enabled.", userName),
            ct);

    public async Task<IActionResult> OnPostChangeAsync(string userName, StaffRole role, string? party, string? community, string? block, CancellationToken ct)
    {
        Form = Form with { Role = role };
        var problems = await accounts.ChangeAsync(userName, new AccountScope(role, party, community, block), User.Identity!.Name!, keepTeam: true);
        ChangeFor = problems.Count > 0 ? userName : null;
        return await AnswerAsync(problems, lang.F("{0} was not changed:", userName), lang.F("Account {0} changed: its sessions have ended, and it signs in again with the new role.", userName), ct);
    }

    public async Task<IActionResult> OnPostResetAsync(string userName, CancellationToken ct)
    {
        var (temporary, problems) = await accounts.ResetPasswordAsync(userName, User.Identity!.Name!);
        Temporary = temporary is null ? null : (userName, temporary);

        // The temporary password is on this answer only: no cache, no copy kept by a proxy or the browser's history.
        Response.Headers.CacheControl = "no-store";
        return await AnswerAsync(problems, lang.F("The password of {0} was not reset:", userName), lang.F("Password of {0} reset: its sessions have ended.", userName), ct);
    }

    /// <summary>A problem as the page says it, naming the field.</summary>
    public static string Words(Lang lang, AccountProblem problem, StaffRole role)
    {
        ArgumentNullException.ThrowIfNull(lang);
        ArgumentNullException.ThrowIfNull(problem);
        var roleName = lang.Role(role);
        return problem.Kind switch
        {
            AccountProblemKind.UserNameFormat => lang["User name: use 3 to 40 characters, only lower-case letters, digits and the signs - _ ."],
            AccountProblemKind.UserNameTaken => lang.F("User name: {0} is already taken; choose another.", problem.Value),
            AccountProblemKind.DisplayNameTooLong => lang.F("Display name: at most {0} characters.", problem.Value),
            AccountProblemKind.PartyNotCompany => lang.F("Party: a {0} account belongs to a property company; choose the company.", roleName),
            AccountProblemKind.PartyNotUnit => lang.F("Party: an {0} account belongs to an owning unit or a residents' committee; choose it.", roleName),
            AccountProblemKind.CommunityMissing => lang.F("Community: a {0} account oversees one community; choose it.", roleName),
            AccountProblemKind.BlockMissing => lang.F("Block: a {0} account helps in one block of its community; choose it.", roleName),
            AccountProblemKind.TeamMissing => lang["Team: choose a volunteer team of the same community."],
            AccountProblemKind.PasswordTooShort => lang.F("Password: at least {0} characters.", problem.Value),
            AccountProblemKind.PasswordTooSimple => lang["Password: too simple; use at least 4 different characters."],
            AccountProblemKind.PasswordCommon => lang["Password: this is one of the most common passwords, the first an attacker tries; choose another."],
            AccountProblemKind.PasswordHasUserName => lang["Password: it contains the user name; choose one without it."],
            AccountProblemKind.PasswordWrong => lang["Current password: wrong; type it again."],
            AccountProblemKind.PasswordSame => lang["Password: the new password must differ from the current one."],
            AccountProblemKind.OwnAccount => lang["Your own role and scope are changed by another street office account."],
            AccountProblemKind.NoSuchAccount => lang.F("There is no account {0}.", problem.Value),
            AccountProblemKind.SiteNotLoaded => lang["The list of parties and communities is not loaded yet; try again in a minute."],
            _ => lang.F("Not saved: {0}", problem.Text),
        };
    }

    private async Task<PageResult> AnswerAsync(IReadOnlyList<AccountProblem> problems, string? refused, string? done, CancellationToken ct)
    {
        Problems = [.. problems.Select(p => new Problem(p.Field, Words(lang, p, Form.Role)))];
        Refused = problems.Count > 0 ? refused : null;
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
