using Iot.Cloud.Kernel;
using Microsoft.AspNetCore.Identity;

namespace Iot.Cloud.Data;

/// <summary>
/// A person's account (ASP.NET Core Identity: hashed password, lockout), with the role and the party or community
/// that bound what the person sees.
/// </summary>
public sealed class Account : IdentityUser
{
    public StaffRole Role { get; set; }

    /// <summary>For staff and company supervisors: the party whose courtyards they answer for.</summary>
    public string? PartyId { get; set; }

    /// <summary>For community supervisors, volunteers and building heads: their community.</summary>
    public string? CommunityId { get; set; }

    /// <summary>For building heads: their block of the community.</summary>
    public string? BlockId { get; set; }

    /// <summary>For volunteers and building heads: the volunteer team they belong to, if any.</summary>
    public long? TeamId { get; set; }

    /// <summary>When the account was disabled (it cannot sign in, and its sessions end); null while it is in use.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    public string? DisabledBy { get; set; }

    /// <summary>
    /// Set by a password reset: the account signed in with a temporary password and must choose its own before it may
    /// do anything else (no role claim until then, see <c>AccountClaims</c>).
    /// </summary>
    public bool MustChangePassword { get; set; }

    /// <summary>The name shown on work orders and comments (e.g. 李师傅); the user name when empty.</summary>
    public string? DisplayName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }
}
