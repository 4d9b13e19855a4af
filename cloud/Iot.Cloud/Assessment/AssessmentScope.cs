using Iot.Cloud.Auth;
using Iot.Protocol.Sites;

namespace Iot.Cloud.Assessment;

/// <summary>
/// Whose assessment a person may see: a party's staff their own party's; a committee every party that answers for a
/// courtyard in its community; the street office all. Anything else is answered as if it did not exist.
/// </summary>
public static class AssessmentScope
{
    public static bool SeesParty(this AccessScope scope, string partyId, Site? site)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope.SeesEverything
            || (scope.IsPartyRole ? scope.Party == partyId
                : site is not null && site.Courtyards.Any(c => c.Courtyard.Responsible?.Value == partyId && scope.Courtyard(c.Courtyard.Id)));
    }

    /// <summary>The parties that are assessed (property companies and owning units) and in scope, in the manifest's order.</summary>
    public static List<PartyManifest> AssessedParties(this AccessScope scope, Site? site) =>
        site is null ? [] : [.. site.Manifest.Parties.Where(p => p.Kind is PartyKind.PropertyCompany or PartyKind.OwningUnit && scope.SeesParty(p.Id.Value, site))];
}
