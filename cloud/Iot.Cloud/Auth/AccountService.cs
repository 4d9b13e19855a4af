using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Protocol.Sites;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Auth;

/// <summary>A new account as the admin page, the command line or the demo asks for it.</summary>
public sealed record AccountRequest(string UserName, string Password, StaffRole Role, string? Party, string? Community, string? DisplayName);

/// <summary>Creates and manages accounts with the checks every way in shares: role and scope must fit the site.</summary>
public sealed class AccountService(UserManager<Account> users, ICurrentSite currentSite, CloudDb db, TimeProvider time)
{
    /// <summary>Creates an account, or says every reason it cannot (each naming its field).</summary>
    public async Task<(Account? Account, IReadOnlyList<AccountProblem> Problems)> CreateAsync(AccountRequest request, string by)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<AccountProblem>();
        if (request.UserName is not { Length: >= 3 and <= 40 } || !request.UserName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
        {
            problems.Add(new(AccountField.UserName, AccountProblemKind.UserNameFormat, "the user name has 3 to 40 characters: lower-case letters, digits, '-', '_' and '.'", request.UserName));
        }

        if (request.DisplayName?.Length > 64)
        {
            problems.Add(new(AccountField.DisplayName, AccountProblemKind.DisplayNameTooLong, "the display name is at most 64 characters", "64"));
        }

        problems.AddRange(ScopeProblems(request.Role, request.Party, request.Community));
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var account = new Account
        {
            UserName = request.UserName, Role = request.Role, CreatedAt = time.GetUtcNow(), CreatedBy = by,
            PartyId = request.Role is StaffRole.PropertyStaff or StaffRole.CompanySupervisor or StaffRole.UnitStaff ? request.Party : null,
            CommunityId = request.Role == StaffRole.CommunitySupervisor ? request.Community : null,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim(),
        };
        var result = await users.CreateAsync(account, request.Password);
        if (!result.Succeeded)
        {
            return (null, result.Errors.Select(e => Of(e, request.UserName)).ToList());
        }

        await AuditAsync(by, account.UserName!, "created", $"{request.Role} {account.PartyId ?? account.CommunityId}");
        return (account, []);
    }

    /// <summary>Ends a lockout and forgets failed attempts.</summary>
    public async Task<bool> UnlockAsync(string userName, string by)
    {
        if (await users.FindByNameAsync(userName) is not { } account)
        {
            return false;
        }

        await users.SetLockoutEndDateAsync(account, null);
        await users.ResetAccessFailedCountAsync(account);
        await AuditAsync(by, userName, "unlocked", null);
        return true;
    }

    /// <summary>Sets a new password (the old one is not needed: for the admin and the command line).</summary>
    public async Task<IReadOnlyList<AccountProblem>> SetPasswordAsync(string userName, string password, string by)
    {
        if (await users.FindByNameAsync(userName) is not { } account)
        {
            return [new(AccountField.UserName, AccountProblemKind.NoSuchAccount, $"there is no account '{userName}'", userName)];
        }

        var token = await users.GeneratePasswordResetTokenAsync(account);
        var result = await users.ResetPasswordAsync(account, token, password);
        if (!result.Succeeded)
        {
            return result.Errors.Select(e => Of(e, userName)).ToList();
        }

        await users.UpdateSecurityStampAsync(account);
        await AuditAsync(by, userName, "password", null);
        return [];
    }

    /// <summary>Every account, by role then name.</summary>
    public Task<List<Account>> ListAsync(CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().OrderBy(a => a.Role).ThenBy(a => a.UserName).ToListAsync(cancellationToken);

    /// <summary>What is wrong with a role and its party or community, against the site.</summary>
    public List<AccountProblem> ScopeProblems(StaffRole role, string? party, string? community)
    {
        var site = currentSite.Site;
        var problems = new List<AccountProblem>();
        if (site is null)
        {
            problems.Add(new(AccountField.Role, AccountProblemKind.SiteNotLoaded, "the site registry is not loaded yet"));
            return problems;
        }

        var kind = site.Manifest.Parties.FirstOrDefault(p => p.Id.Value == party)?.Kind;
        switch (role)
        {
            case StaffRole.PropertyStaff or StaffRole.CompanySupervisor when kind != PartyKind.PropertyCompany:
                problems.Add(new(AccountField.Party, AccountProblemKind.PartyNotCompany, $"{role} needs a property company as party; '{party}' is not one", party));
                break;
            case StaffRole.UnitStaff when kind is not (PartyKind.OwningUnit or PartyKind.ResidentsCommittee):
                problems.Add(new(AccountField.Party, AccountProblemKind.PartyNotUnit, $"{role} needs an owning unit or residents' committee as party; '{party}' is not one", party));
                break;
            case StaffRole.CommunitySupervisor when !site.Communities.Any(c => c.Id.Value == community):
                problems.Add(new(AccountField.Community, AccountProblemKind.CommunityMissing, $"{role} needs a community; '{community}' is not one", community));
                break;
        }

        return problems;
    }

    // Identity's refusals, by its codes, with the field they concern.
    private AccountProblem Of(IdentityError error, string userName) => error.Code switch
    {
        nameof(IdentityErrorDescriber.DuplicateUserName) => new(AccountField.UserName, AccountProblemKind.UserNameTaken, error.Description, userName),
        nameof(IdentityErrorDescriber.InvalidUserName) => new(AccountField.UserName, AccountProblemKind.UserNameFormat, error.Description, userName),
        nameof(IdentityErrorDescriber.PasswordTooShort) => new(AccountField.Password, AccountProblemKind.PasswordTooShort, error.Description, users.Options.Password.RequiredLength.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars) => new(AccountField.Password, AccountProblemKind.PasswordTooSimple, error.Description),
        _ when error.Code.StartsWith("Password", StringComparison.Ordinal) => new(AccountField.Password, AccountProblemKind.PasswordTooSimple, error.Description),
        _ => new(AccountField.UserName, AccountProblemKind.Other, error.Description),
    };

    private async Task AuditAsync(string by, string userName, string action, string? detail)
    {
        db.AuditLog.Add(AuditEntry.Of(time.GetUtcNow(), by, "account", userName, action, detail));
        await db.SaveChangesAsync();
    }
}
