using Iot.Cloud.Data;
using Iot.Cloud.Kernel;

namespace Iot.Cloud.Auth;

/// <summary>A new role and scope for an account; what the role does not need is dropped.</summary>
/// <param name="Role">What the person may do.</param>
/// <param name="Party">The party, for party roles.</param>
/// <param name="Community">The community, for the committee, volunteers and building heads.</param>
/// <param name="Block">A building head's block.</param>
/// <param name="Team">A volunteer's or building head's team (of their community), if any.</param>
public sealed record AccountScope(StaffRole Role, string? Party, string? Community, string? Block = null, long? Team = null)
{
    /// <summary>The scope as the role needs it: a party for party roles, a community for the community's roles, and so on.</summary>
    public AccountScope Normal() => new(
        Role,
        Role is StaffRole.PropertyStaff or StaffRole.CompanySupervisor or StaffRole.UnitStaff ? NullIfEmpty(Party) : null,
        Role is StaffRole.CommunitySupervisor or StaffRole.Volunteer or StaffRole.BuildingHead ? NullIfEmpty(Community) : null,
        Role == StaffRole.BuildingHead ? NullIfEmpty(Block) : null,
        Role is StaffRole.Volunteer or StaffRole.BuildingHead ? Team : null);

    /// <summary>The account's scope now.</summary>
    public static AccountScope Of(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.Role, account.PartyId, account.CommunityId, account.BlockId, account.TeamId);
    }

    /// <summary>For the audit log: <c>role Volunteer → BuildingHead; block — → yikang-north</c>.</summary>
    public static string Difference(AccountScope old, AccountScope now)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(now);
        var parts = new List<string>();
        void Compare(string name, object? before, object? after)
        {
            if (!Equals(before, after))
            {
                parts.Add($"{name} {before ?? "—"} → {after ?? "—"}");
            }
        }

        Compare("role", old.Role, now.Role);
        Compare("party", old.Party, now.Party);
        Compare("community", old.Community, now.Community);
        Compare("block", old.Block, now.Block);
        Compare("team", old.Team, now.Team);
        return string.Join("; ", parts);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
