using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Ratings;
using Iot.Cloud.Sites;
using Iot.Cloud.Supervision;
using Iot.Cloud.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Dashboards;

/// <summary>One party's (or block's) record in a period, with the ratings of its repairs.</summary>
public sealed record RecordRow(string Key, string Name, SupervisionRow Figures);

/// <summary>One week of a party's record.</summary>
public sealed record RecordWeek(DateTimeOffset From, SupervisionRow? Figures);

/// <summary>The service record for the dashboard: by party and by block for the period, and each party week by week.</summary>
public sealed record ServiceRecordView(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<RecordRow> Parties, IReadOnlyList<RecordRow> Blocks, IReadOnlyDictionary<string, IReadOnlyList<RecordWeek>> Trend);

/// <summary>
/// The property companies' service record from the same figures as <c>/api/supervision</c> (time to acknowledge and
/// fix, overdue share, reopen rate), restricted to the caller's scope, plus ratings and a weekly trend.
/// </summary>
public sealed class ServiceRecord(CloudDb db)
{
    public async Task<ServiceRecordView> ComputeAsync(AccessScope scope, DateTimeOffset to, int weeks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var from = to.AddDays(-7);
        var trendFrom = to.AddDays(-7 * weeks);
        var orders = await db.WorkOrders.AsNoTracking().Where(scope.WorkOrders)
            .Where(w => w.CreatedAt >= trendFrom && w.CreatedAt < to && w.Status != WorkOrderStatus.Cancelled).ToListAsync(cancellationToken);
        var parties = await db.Parties.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        var courtyards = await db.Courtyards.AsNoTracking().ToDictionaryAsync(c => c.Id, c => (c.BlockId, Party: c.ResponsiblePartyId), cancellationToken);
        var inScope = courtyards.Where(c => scope.Courtyard(c.Key)).Select(c => c.Value).ToList();
        var blocks = await db.Blocks.AsNoTracking().ToDictionaryAsync(b => b.Id, b => b.Name, cancellationToken);
        var ids = orders.Select(o => o.Id).ToArray();
        var scores = (await db.Ratings.AsNoTracking().Where(r => ids.Contains(r.WorkOrderId)).Select(r => new { r.WorkOrderId, r.Score }).ToListAsync(cancellationToken))
            .ToLookup(r => r.WorkOrderId, r => r.Score);

        var period = orders.Where(o => o.CreatedAt >= from).ToList();
        // A row for every party (block) answering for a courtyard in scope, as in /api/supervision.
        List<RecordRow> Rows(Func<WorkOrder, string> key, IEnumerable<string> answering, Func<string, string> name) =>
            [.. SupervisionReport.Compute(period, key, to, scores, groups: answering).Select(row => new RecordRow(row.Key, name(row.Key), row))];

        var trend = new Dictionary<string, IReadOnlyList<RecordWeek>>(StringComparer.Ordinal);
        foreach (var party in orders.Select(o => o.PartyId).Distinct().Order(StringComparer.Ordinal))
        {
            var weeksOf = new List<RecordWeek>();
            for (var w = weeks - 1; w >= 0; w--)
            {
                var end = to.AddDays(-7 * w);
                var start = end.AddDays(-7);
                var week = orders.Where(o => o.PartyId == party && o.CreatedAt >= start && o.CreatedAt < end).ToList();
                weeksOf.Add(new RecordWeek(start, week.Count == 0 ? null : SupervisionReport.Compute(week, _ => party, end).Single()));
            }

            trend[party] = weeksOf;
        }

        return new ServiceRecordView(
            from, to,
            Rows(o => o.PartyId, inScope.Select(c => c.Party), k => parties.GetValueOrDefault(k, k)),
            Rows(o => courtyards.TryGetValue(o.CourtyardId, out var c) ? c.BlockId : "unknown", inScope.Select(c => c.BlockId), k => blocks.GetValueOrDefault(k, k)),
            trend);
    }
}
