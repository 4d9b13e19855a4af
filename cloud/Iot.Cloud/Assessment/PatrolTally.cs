using Iot.Cloud.Data;

namespace Iot.Cloud.Assessment;

/// <summary>
/// A party's patrol figures for a period, from the patrol feature. The assessment only reads them; the patrol feature
/// registers the implementation. Without one the patrol figures are left empty and their points given in full.
/// </summary>
public interface IPatrolTally
{
    Task<PatrolTally> ForPartyAsync(CloudDb db, string partyId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>Patrol rounds due, done and missed, and the findings they raised and got fixed, in a period.</summary>
public sealed record PatrolTally(int RoundsDue, int RoundsDone, int RoundsMissed, int FindingsRaised, int FindingsFixed);
