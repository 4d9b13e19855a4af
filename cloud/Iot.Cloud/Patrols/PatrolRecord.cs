using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Patrols;

/// <summary>How a group of courtyards was patrolled in a period.</summary>
/// <param name="Key">The party or block.</param>
/// <param name="Due">Rounds that were due: each planned courtyard once per whole day (daily) or week (weekly) of the period since its plan was made.</param>
/// <param name="Done">Of those, walked in time (at least one round in the courtyard within the day or week).</param>
/// <param name="Missed">Due and not walked.</param>
/// <param name="Rounds">Rounds walked in the period, planned or not.</param>
/// <param name="Findings">Failed items of those rounds.</param>
/// <param name="FindingsFixed">Of those, the ones whose work order has been confirmed repaired.</param>
public sealed record PatrolFigures(string Key, int Due, int Done, int Missed, int Rounds, int Findings, int FindingsFixed);

/// <summary>
/// Rounds due, walked and missed, per party (the party answering for the courtyards walked) and per block, from the
/// plans and the rounds. Days and weeks are the site's (Kunming time); a day or week counts once it is over, so a
/// round walked this morning is never "missed" in the afternoon.
/// </summary>
public sealed class PatrolRecord(SiteRegistry registry)
{
    /// <summary>The figures of [<paramref name="from"/>, <paramref name="to"/>), grouped by block (<paramref name="byBlock"/>) or party, for the courtyards <paramref name="inScope"/> (and, given a <paramref name="party"/>, that it answers for).</summary>
    public async Task<List<PatrolFigures>> ComputeAsync(CloudDb db, DateTimeOffset from, DateTimeOffset to, bool byBlock, Func<CourtyardId, bool> inScope, string? party, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(inScope);
        var site = registry.Current?.Site;
        if (site is null)
        {
            return [];
        }

        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(site.Manifest.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var places = site.Courtyards.Where(c => inScope(c.Courtyard.Id) && (party is null || c.Courtyard.Responsible?.Value == party)).ToDictionary(c => c.Courtyard.Id, c => byBlock ? c.Courtyard.Block.Value : c.Courtyard.Responsible!.Value.Value);
        var ids = places.Keys.ToList();
        var plans = await db.PatrolPlans.AsNoTracking().ToListAsync(cancellationToken);
        var rounds = await db.PatrolRounds.AsNoTracking().Where(r => ids.Contains(r.CourtyardId) && r.WalkedAt >= from && r.WalkedAt < to)
            .Select(r => new { r.CourtyardId, r.WalkedAt, r.Failed, Orders = r.Checks.Where(c => !c.Ok && c.WorkOrderId != null).Select(c => c.WorkOrderId!.Value).ToList() })
            .ToListAsync(cancellationToken);
        var findingOrders = rounds.SelectMany(r => r.Orders).Distinct().ToList();
        var repaired = (await db.WorkOrders.AsNoTracking().Where(w => findingOrders.Contains(w.Id) && w.RecoveredAt != null).Select(w => w.Id).ToListAsync(cancellationToken)).ToHashSet();

        var due = new Dictionary<string, (int Due, int Done)>(StringComparer.Ordinal);
        foreach (var plan in plans)
        {
            foreach (var courtyard in plan.Courtyards.Where(places.ContainsKey))
            {
                var walked = rounds.Where(r => r.CourtyardId == courtyard).Select(r => r.WalkedAt).ToList();
                foreach (var (start, end) in Periods(plan.Frequency, Max(from, plan.Since), to, zone))
                {
                    var (d, done) = due.GetValueOrDefault(places[courtyard]);
                    due[places[courtyard]] = (d + 1, done + (walked.Any(w => w >= start && w < end) ? 1 : 0));
                }
            }
        }

        return [.. places.Values.Distinct().Order(StringComparer.Ordinal).Select(key =>
        {
            var (d, done) = due.GetValueOrDefault(key);
            var mine = rounds.Where(r => places[r.CourtyardId] == key).ToList();
            return new PatrolFigures(key, d, done, d - done, mine.Count, mine.Sum(r => r.Failed), mine.Sum(r => r.Orders.Count(repaired.Contains)));
        }).Where(f => f.Due > 0 || f.Rounds > 0)];
    }

    /// <summary>The whole days or weeks (site time) that begin at or after <paramref name="from"/> and end by <paramref name="to"/>.</summary>
    public static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Periods(PatrolFrequency frequency, DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(from, zone).Date;
        var day = DateOnly.FromDateTime(local);
        if (frequency == PatrolFrequency.Weekly)
        {
            day = day.AddDays(-(((int)day.DayOfWeek + 6) % 7)); // back to Monday
        }

        var step = frequency == PatrolFrequency.Weekly ? 7 : 1;
        for (var start = At(day, zone); ; day = day.AddDays(step), start = At(day, zone))
        {
            var end = At(day.AddDays(step), zone);
            if (end > to)
            {
                yield break;
            }

            if (start >= from)
            {
                yield return (start, end);
            }
        }
    }

    private static DateTimeOffset At(DateOnly day, TimeZoneInfo zone) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone), TimeSpan.Zero);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
