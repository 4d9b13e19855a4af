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

    /// <summary>For community supervisors: their community.</summary>
    public string? CommunityId { get; set; }

    /// <summary>The name shown on work orders and comments (e.g. 李师傅); the user name when empty.</summary>
    public string? DisplayName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }
}
