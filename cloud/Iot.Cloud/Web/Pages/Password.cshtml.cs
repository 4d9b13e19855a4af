using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Web.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Cloud.Web.Pages;

/// <summary>
/// A person changes their own password (the current one is needed, the policy applies). After a reset it is the only
/// page the account may open: it signed in with the temporary password, and its cookie carries no role until then.
/// The account's other sessions end; this one goes on with the new password.
/// </summary>
[Authorize] // signed in is enough: the temporary password's cookie has no role, and this page is where it goes
public sealed class PasswordModel(AccountService accounts, UserManager<Account> users, SignInManager<Account> signIn, Lang lang) : PageModel
{
    /// <summary>Whether the account is on a temporary password and must choose its own now.</summary>
    public bool Required => User.HasClaim(c => c.Type == StaffClaims.MustChangePassword);

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? current, string? password, string? repeat)
    {
        if (await users.GetUserAsync(User) is not { } account)
        {
            return Challenge();
        }

        if (!string.Equals(password, repeat, StringComparison.Ordinal))
        {
            return Refused([lang["Repeat the new password: the two entries differ."]]);
        }

        var problems = await accounts.ChangeOwnPasswordAsync(account, current ?? string.Empty, password ?? string.Empty);
        if (problems.Count > 0)
        {
            return Refused([.. problems.Select(p => Admin.AccountsModel.Words(lang, p, account.Role))]);
        }

        // The change renewed the stamp (ending every other session); this one gets a cookie with the new stamp and role.
        await signIn.RefreshSignInAsync(account);
        return account.Role == StaffRole.CommunitySupervisor ? LocalRedirect("/dashboard") : LocalRedirect("/console");
    }

    private PageResult Refused(IReadOnlyList<string> problems)
    {
        Problems = problems;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
