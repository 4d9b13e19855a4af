using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Iot.Cloud.Data;

namespace Iot.Cloud.Auth;

/// <summary>Puts the role, party, community and display name into the sign-in cookie (taken afresh from the account on every request).</summary>
public sealed class AccountClaims(UserManager<Account> users, IOptions<IdentityOptions> options) : UserClaimsPrincipalFactory<Account>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Account user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MustChangePassword)
        {
            // No role and no scope until the temporary password is replaced: only the password page lets it in.
            identity.AddClaim(new Claim(StaffClaims.MustChangePassword, "true"));
            return identity;
        }

        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role.ToString()));
        identity.AddClaim(new Claim(StaffClaims.DisplayName, user.DisplayName ?? user.UserName ?? string.Empty));
        if (user.PartyId is { } party)
        {
            identity.AddClaim(new Claim(StaffClaims.Party, party));
        }

        if (user.CommunityId is { } community)
        {
            identity.AddClaim(new Claim(StaffClaims.Community, community));
        }

        if (user.BlockId is { } block)
        {
            identity.AddClaim(new Claim(StaffClaims.Block, block));
        }

        return identity;
    }
}
