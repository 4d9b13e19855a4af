using System.Security.Claims;
using Iot.Cloud.Kernel;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Sites;

namespace Iot.Cloud.Auth;

/// <summary>
/// Which courtyards, agents and work orders the person making a request may see, from their role and the site
/// registry: property staff, company supervisors and unit staff the courtyards their party answers for (and that
/// party's work orders); a community supervisor and a volunteer the courtyards of the community, a building head
/// those of its block; the street office everything.
/// One rule everywhere: something outside the scope is answered as if it did not exist (404, or left out of a list).
/// </summary>
public sealed class AccessScope
{
    private readonly HashSet<CourtyardId> _courtyards;
    private readonly CourtyardId[] _ids;
    private readonly HashSet<AgentId> _agents;

    private AccessScope(StaffRole? role, string? name, string? party, string? community, HashSet<CourtyardId> courtyards, HashSet<AgentId> agents)
    {
        Role = role;
        Name = name;
        Party = party;
        Community = community;
        _courtyards = courtyards;
        _agents = agents;
        _ids = [.. courtyards.OrderBy(c => c.Value, StringComparer.Ordinal)];
    }

    /// <summary>No limit: for code that has checked the scope already (a route filter) or works for the system.</summary>
    public static AccessScope Everything { get; } = new(StaffRole.StreetAdmin, "system", null, null, [], []);

    /// <summary>The role, or null for a resident (not signed in).</summary>
    public StaffRole? Role { get; }

    /// <summary>The account name.</summary>
    public string? Name { get; }

    /// <summary>The party, for party roles.</summary>
    public string? Party { get; }

    /// <summary>The community, for community supervisors.</summary>
    public string? Community { get; }

    public bool IsStaff => Role is not null;

    /// <summary>The street office sees everything.</summary>
    public bool SeesEverything => Role == StaffRole.StreetAdmin;

    /// <summary>Volunteers and building heads: residents who help, with no say over the company's work.</summary>
    public bool IsHelper => Role is StaffRole.Volunteer or StaffRole.BuildingHead;

    /// <summary>Roles bound to one party's courtyards.</summary>
    public bool IsPartyRole => Role is StaffRole.PropertyStaff or StaffRole.CompanySupervisor or StaffRole.UnitStaff;

    /// <summary>May move work orders through their statuses, open them, acknowledge alerts, set maintenance windows.</summary>
    public bool MayChangeWork => IsPartyRole || SeesEverything;

    /// <summary>
    /// The courtyards in scope (every courtyard for the street office). Each feature filters its own rows by them
    /// (for example <c>scope.Alerts</c> beside the alerts).
    /// </summary>
    public IReadOnlyList<CourtyardId> CourtyardIds => _ids;

    public bool Courtyard(CourtyardId? id) => id is not null && (SeesEverything || _courtyards.Contains(id.Value));

    public bool Agent(AgentId? id) => id is not null && (SeesEverything || _agents.Contains(id.Value));

    /// <summary>A work order is in scope for a party role when it is that party's; otherwise by its courtyard.</summary>
    public bool Order(string partyId, CourtyardId courtyardId) =>
        SeesEverything || (IsPartyRole ? partyId == Party : _courtyards.Contains(courtyardId));

    /// <summary>Whether a live event (alert or work-order change) is for this person.</summary>
    public bool Sees(string type, CourtyardId courtyardId, string partyId) =>
        type == "workOrder" ? Order(partyId, courtyardId) : Courtyard(courtyardId);

    /// <summary>The scope of a request's user, against the current site registry.</summary>
    public static AccessScope Of(ClaimsPrincipal user, Site? site)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true || !Enum.TryParse<StaffRole>(user.FindFirstValue(ClaimTypes.Role), out var role))
        {
            return new AccessScope(null, null, null, null, [], []);
        }

        var party = user.FindFirstValue(StaffClaims.Party);
        var community = user.FindFirstValue(StaffClaims.Community);
        var block = user.FindFirstValue(StaffClaims.Block);
        var courtyards = site?.Courtyards
            .Where(c => role switch
            {
                StaffRole.StreetAdmin => true,
                StaffRole.CommunitySupervisor or StaffRole.Volunteer => c.Community.Id.Value == community,
                StaffRole.BuildingHead => c.Community.Id.Value == community && c.Courtyard.Block.Value == block,
                _ => c.Courtyard.Responsible?.Value == party,
            })
            .ToList() ?? [];
        var agents = courtyards.SelectMany(c => c.Courtyard.Agents.Select(a => a.Id));
        return new AccessScope(role, user.Identity.Name, party, community, [.. courtyards.Select(c => c.Courtyard.Id)], [.. agents]);
    }
}
