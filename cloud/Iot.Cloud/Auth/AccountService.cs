using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Protocol.Sites;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Auth;

/// <summary>A new account as the admin page, the command line or the demo asks for it.</summary>
/// <param name="UserName">The name to sign in with.</param>
/// <param name="Password">The first password.</param>
/// <param name="Role">What the person may do.</param>
/// <param name="Party">The party, for party roles.</param>
/// <param name="Community">The community, for the committee, volunteers and building heads.</param>
/// <param name="DisplayName">The name shown to people.</param>
/// <param name="Block">A building head's block.</param>
/// <param name="Team">A volunteer's or building head's team (of their community), if any.</param>
public sealed record AccountRequest(string UserName, string Password, StaffRole Role, string? Party, string? Community, string? DisplayName, string? Block = null, long? Team = null);

/// <summary>
/// Creates and manages accounts with the checks every way in shares: role and scope must fit the site. Every change
/// that takes something away (disable, new role or scope, password reset) renews the security stamp, so the account's
/// open sessions are refused at their next request, and ends its open live streams at once.
/// </summary>
public sealed class AccountService(UserManager<Account> users, ICurrentSite currentSite, CloudDb db, TimeProvider time, AccountSessions sessions)
{
    /// <summary>Letters and digits a person reads off a screen without confusing them (no 0/O, 1/l/I).</summary>
    private const string TemporaryAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

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

        problems.AddRange(ScopeProblems(request.Role, request.Party, request.Community, request.Block));
        if (request.Team is { } team && !await db.VolunteerTeams.AnyAsync(t => t.Id == team && t.CommunityId == request.Community))
        {
            problems.Add(new(AccountField.Team, AccountProblemKind.TeamMissing, $"team {team} is not a volunteer team of community '{request.Community}'", team.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var account = new Account
        {
            UserName = request.UserName, Role = request.Role, CreatedAt = time.GetUtcNow(), CreatedBy = by,
            PartyId = request.Role is StaffRole.PropertyStaff or StaffRole.CompanySupervisor or StaffRole.UnitStaff ? request.Party : null,
            CommunityId = request.Role is StaffRole.CommunitySupervisor or StaffRole.Volunteer or StaffRole.BuildingHead ? request.Community : null,
            BlockId = request.Role == StaffRole.BuildingHead ? request.Block : null,
            TeamId = request.Role is StaffRole.Volunteer or StaffRole.BuildingHead ? request.Team : null,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim(),
        };
        var result = await users.CreateAsync(account, request.Password);
        if (!result.Succeeded)
        {
            return (null, result.Errors.Select(e => Of(e, request.UserName)).ToList());
        }

        await AuditAsync(by, account.UserName!, "created", $"{request.Role} {account.PartyId ?? account.CommunityId}{(account.BlockId is { } block ? "/" + block : string.Empty)}");
        return (account, []);
    }

    /// <summary>
    /// Disables an account: it can no longer sign in, and its sessions end at their next request (the security stamp
    /// changes). The account and everything it did stay on the record.
    /// </summary>
    public async Task<bool> DisableAsync(string userName, string by)
    {
        var account = await users.FindByNameAsync(userName);
        if (account is null || account.DisabledAt is not null)
        {
            return account is not null;
        }

        account.DisabledAt = time.GetUtcNow();
        account.DisabledBy = by;
        await users.UpdateAsync(account);
        await users.UpdateSecurityStampAsync(account);
        sessions.Revoke(userName);
        await AuditAsync(by, userName, "disabled", null);
        return true;
    }

    /// <summary>Lets a disabled account sign in again.</summary>
    public async Task<bool> EnableAsync(string userName, string by)
    {
        var account = await users.FindByNameAsync(userName);
        if (account is null || account.DisabledAt is null)
        {
            return account is not null;
        }

        account.DisabledAt = null;
        account.DisabledBy = null;
        await users.UpdateAsync(account);
        await AuditAsync(by, userName, "enabled", null);
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
        sessions.Revoke(userName);
        await AuditAsync(by, userName, "password", null);
        return [];
    }

    /// <summary>
    /// Gives the account a new role and scope (checked against the site, as at creation). Its sessions end: the next
    /// sign-in carries the new scope. Audited with the old and the new value.
    /// </summary>
    /// <param name="userName">The account.</param>
    /// <param name="scope">The new role and scope.</param>
    /// <param name="by">Who changes it.</param>
    /// <param name="keepTeam">For forms without a team field (the admin page, the command line): a helper staying in its community keeps its team.</param>
    public async Task<IReadOnlyList<AccountProblem>> ChangeAsync(string userName, AccountScope scope, string by, bool keepTeam = false)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (await users.FindByNameAsync(userName) is not { } account)
        {
            return [new(AccountField.UserName, AccountProblemKind.NoSuchAccount, $"there is no account '{userName}'", userName)];
        }

        if (string.Equals(userName, by, StringComparison.Ordinal))
        {
            return [new(AccountField.Role, AccountProblemKind.OwnAccount, "an account cannot change its own role or scope; ask another street office account", userName)];
        }

        var now = scope.Normal();
        if (keepTeam && now.Community is not null && now.Community == account.CommunityId && now.Role is StaffRole.Volunteer or StaffRole.BuildingHead)
        {
            now = now with { Team = account.TeamId };
        }

        var problems = ScopeProblems(now.Role, now.Party, now.Community, now.Block);
        if (now.Team is { } team && !await db.VolunteerTeams.AnyAsync(t => t.Id == team && t.CommunityId == now.Community))
        {
            problems.Add(new(AccountField.Team, AccountProblemKind.TeamMissing, $"team {team} is not a volunteer team of community '{now.Community}'", team.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var old = AccountScope.Of(account);
        if (problems.Count > 0 || old == now)
        {
            return problems;
        }

        (account.Role, account.PartyId, account.CommunityId, account.BlockId, account.TeamId) = (now.Role, now.Party, now.Community, now.Block, now.Team);
        await users.UpdateAsync(account);
        await users.UpdateSecurityStampAsync(account);
        sessions.Revoke(userName);
        await AuditAsync(by, userName, "changed", AccountScope.Difference(old, now));
        return [];
    }

    /// <summary>
    /// Replaces the password with a temporary one, returned once for the admin to hand over (it is stored only hashed).
    /// The account's sessions end, and at its next sign-in it must choose its own password before anything else.
    /// </summary>
    public async Task<(string? Temporary, IReadOnlyList<AccountProblem> Problems)> ResetPasswordAsync(string userName, string by)
    {
        if (await users.FindByNameAsync(userName) is not { } account)
        {
            return (null, [new(AccountField.UserName, AccountProblemKind.NoSuchAccount, $"there is no account '{userName}'", userName)]);
        }

        var temporary = System.Security.Cryptography.RandomNumberGenerator.GetString(TemporaryAlphabet, Math.Max(12, users.Options.Password.RequiredLength));
        var token = await users.GeneratePasswordResetTokenAsync(account);
        var result = await users.ResetPasswordAsync(account, token, temporary);
        if (!result.Succeeded)
        {
            return (null, result.Errors.Select(e => Of(e, userName)).ToList());
        }

        account.MustChangePassword = true;
        await users.UpdateAsync(account);
        await users.UpdateSecurityStampAsync(account);
        sessions.Revoke(userName);
        await AuditAsync(by, userName, "passwordReset", "temporary password; must choose a new one at next sign-in");
        return (temporary, []);
    }

    /// <summary>The person's own change of password (the old one is needed); ends a temporary password's restriction.</summary>
    public async Task<IReadOnlyList<AccountProblem>> ChangeOwnPasswordAsync(Account account, string current, string password)
    {
        ArgumentNullException.ThrowIfNull(account);
        var userName = account.UserName ?? string.Empty;
        if (string.Equals(current, password, StringComparison.Ordinal))
        {
            return [new(AccountField.Password, AccountProblemKind.PasswordSame, "the new password must differ from the current one")];
        }

        var result = await users.ChangePasswordAsync(account, current, password);
        if (!result.Succeeded)
        {
            return result.Errors.Select(e => Of(e, userName)).ToList();
        }

        account.MustChangePassword = false;
        await users.UpdateAsync(account);
        sessions.Revoke(userName);
        await AuditAsync(userName, userName, "passwordChanged", null);
        return [];
    }

    /// <summary>Every account, by role then name.</summary>
    public Task<List<Account>> ListAsync(CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().OrderBy(a => a.Role).ThenBy(a => a.UserName).ToListAsync(cancellationToken);

    /// <summary>What is wrong with a role and its party or community, against the site.</summary>
    public List<AccountProblem> ScopeProblems(StaffRole role, string? party, string? community, string? block = null)
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
            case StaffRole.CommunitySupervisor or StaffRole.Volunteer or StaffRole.BuildingHead when !site.Communities.Any(c => c.Id.Value == community):
                problems.Add(new(AccountField.Community, AccountProblemKind.CommunityMissing, $"{role} needs a community; '{community}' is not one", community));
                break;
            case StaffRole.BuildingHead when !site.Communities.Any(c => c.Id.Value == community && c.Blocks.Any(b => b.Id.Value == block)):
                problems.Add(new(AccountField.Block, AccountProblemKind.BlockMissing, $"{role} needs a block of community '{community}'; '{block}' is not one", block));
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
        nameof(IdentityErrorDescriber.PasswordMismatch) => new(AccountField.Password, AccountProblemKind.PasswordWrong, "the current password is wrong"),
        CommonPasswordValidator.CommonCode => new(AccountField.Password, AccountProblemKind.PasswordCommon, error.Description),
        CommonPasswordValidator.UserNameCode => new(AccountField.Password, AccountProblemKind.PasswordHasUserName, error.Description, userName),
        _ when error.Code.StartsWith("Password", StringComparison.Ordinal) => new(AccountField.Password, AccountProblemKind.PasswordTooSimple, error.Description),
        _ => new(AccountField.UserName, AccountProblemKind.Other, error.Description),
    };

    private async Task AuditAsync(string by, string userName, string action, string? detail)
    {
        db.AuditLog.Add(AuditEntry.Of(time.GetUtcNow(), by, "account", userName, action, detail));
        await db.SaveChangesAsync();
    }
}
