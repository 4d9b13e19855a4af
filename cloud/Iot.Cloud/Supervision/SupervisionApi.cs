using Iot.Cloud.Alerts;
using Iot.Cloud.Api;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Patrols;
using Iot.Cloud.Ratings;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Supervision;

/// <summary>
/// The supervision record for any period, grouped by party, block, courtyard or device kind, as JSON (the CSV in the
/// reader's language is the web's: <c>Web/Dashboards/SupervisionCsvEndpoint.cs</c>).
/// </summary>
public static class SupervisionApi
{
    public static IEndpointRouteBuilder MapSupervisionApi(this IEndpointRouteBuilder app)
    {
        // Each sees the record of the orders in their scope: a company its own, a community its companies, the street all.
        var api = app.MapGroup("/api/supervision").WithTags("Supervision").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Staff);
        api.MapGet("/", async Task<Results<Ok<SupervisionView>, ProblemHttpResult>> (CloudDb db, AccessScope scope, TimeProvider time, PatrolRecord patrols, DateTimeOffset? from, DateTimeOffset? to, string? groupBy, string? party, CancellationToken ct) =>
        {
            if (await LoadAsync(db, scope, time, patrols, from, to, groupBy, party, ct) is not { } result)
            {
                return Problems.Bad("from/to/groupBy", Problems.Text(Rules));
            }

            return TypedResults.Ok(new SupervisionView(result.From, result.To, result.Group, result.Rows.Select(r => new NamedRow(result.Name(r.Key), r)).ToList()));
        });
        return app;
    }

    /// <summary>What a period and a grouping must be, for a refusal.</summary>
    public const string Rules = "from and to are times between 2000 and 2200, from before to, at most 3 years apart; groupBy is party, block, courtyard or kind";

    /// <summary>The record of the orders in <paramref name="scope"/> for a period, or null when the period or grouping is not valid.</summary>
    public static async Task<SupervisionPeriod?> LoadAsync(CloudDb db, AccessScope scope, TimeProvider time, PatrolRecord patrols, DateTimeOffset? from, DateTimeOffset? to, string? groupBy, string? party, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(patrols);
        if (!Dates.Plausible(from) || !Dates.Plausible(to))
        {
            return null;
        }

        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-30);
        if (start >= end || end - start > TimeSpan.FromDays(1100) || !Enum.TryParse<SupervisionGroup>(groupBy ?? "party", ignoreCase: true, out var group))
        {
            return null;
        }

        // An order counts in the period its present life began: its creation, or its reopening.
        var orders = await db.WorkOrders.AsNoTracking().Where(scope.WorkOrders)
            .Where(w => (w.ReopenedAt ?? w.CreatedAt) >= start && (w.ReopenedAt ?? w.CreatedAt) < end && (party == null || w.PartyId == party)).ToListAsync(ct);
        var courtyards = await db.Courtyards.AsNoTracking().ToDictionaryAsync(c => c.Id, ct);
        var names = group switch
        {
            SupervisionGroup.Party => await db.Parties.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct),
            SupervisionGroup.Block => await db.Blocks.AsNoTracking().ToDictionaryAsync(b => b.Id, b => b.Name, ct),
            SupervisionGroup.Courtyard => courtyards.ToDictionary(c => c.Key.Value, c => c.Value.Name),
            _ => new Dictionary<string, string>(),
        };
        Func<WorkOrders.WorkOrder, string> key = group switch
        {
            SupervisionGroup.Party => o => o.PartyId,
            SupervisionGroup.Block => o => courtyards.TryGetValue(o.CourtyardId, out var c) ? c.BlockId : "unknown",
            SupervisionGroup.Courtyard => o => o.CourtyardId.Value,
            _ => o => o.Target,
        };
        var ids = orders.Select(o => o.Id).ToArray();
        var scores = (await db.Ratings.AsNoTracking().Where(r => ids.Contains(r.WorkOrderId)).Select(r => new { r.WorkOrderId, r.Score }).ToListAsync(ct))
            .ToLookup(r => r.WorkOrderId, r => r.Score);
        Func<Courtyard, string>? windowKey = group switch
        {
            SupervisionGroup.Party => c => c.ResponsiblePartyId,
            SupervisionGroup.Block => c => c.BlockId,
            SupervisionGroup.Courtyard => c => c.Id.Value,
            _ => null,
        };
        var hours = windowKey is null ? null : await MaintenanceHoursAsync(db, scope, start, end, courtyards, windowKey, party, ct);
        // By party or block, every party (block) that answers for a courtyard in scope has a row, orders or not: a company
        // with nothing to show for the period shows that, rather than being missing from the record.
        var answering = group is SupervisionGroup.Party or SupervisionGroup.Block
            ? courtyards.Values.Where(c => scope.Courtyard(c.Id) && (party == null || c.ResponsiblePartyId == party)).Select(windowKey!)
            : null;
        var rows = SupervisionReport.Compute(orders, key, end, scores, hours, answering);
        if (group is SupervisionGroup.Party or SupervisionGroup.Block)
        {
            rows = WithPatrols(rows, await patrols.ComputeAsync(db, start, end, group == SupervisionGroup.Block, c => scope.Courtyard(c), party, ct));
        }

        return new SupervisionPeriod(start, end, group, rows, k => names.GetValueOrDefault(k, k));
    }

    // Patrol rounds due and missed beside the orders' figures, by the same key; a group with rounds due and no order gets a row too.
    private static List<SupervisionRow> WithPatrols(List<SupervisionRow> rows, List<PatrolFigures> patrols)
    {
        var byKey = patrols.ToDictionary(p => p.Key, StringComparer.Ordinal);
        return [.. rows.Select(r => r.Key)
            .Union(patrols.Where(p => p.Due > 0).Select(p => p.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(k => (rows.FirstOrDefault(r => r.Key == k) ?? SupervisionRow.Empty(k)) with
            {
                RoundsDue = byKey.TryGetValue(k, out var p) ? p.Due : 0,
                RoundsMissed = byKey.TryGetValue(k, out var q) ? q.Missed : 0,
            })];
    }

    // Hours of maintenance windows within the period, by group: time when the group's alerts could be silenced.
    private static async Task<Dictionary<string, double>> MaintenanceHoursAsync(
        CloudDb db, AccessScope scope, DateTimeOffset start, DateTimeOffset end, Dictionary<CourtyardId, Courtyard> courtyards, Func<Courtyard, string> key, string? party, CancellationToken ct)
    {
        var windows = await db.MaintenanceWindows.AsNoTracking().Where(scope.MaintenanceWindows).Where(w => w.From < end && w.Until > start)
            .Select(w => new { w.CourtyardId, w.From, w.Until }).ToListAsync(ct);
        return windows
            .Where(w => courtyards.TryGetValue(w.CourtyardId, out var c) && (party == null || c.ResponsiblePartyId == party))
            .GroupBy(w => key(courtyards[w.CourtyardId]))
            .ToDictionary(g => g.Key, g => g.Sum(w => ((w.Until < end ? w.Until : end) - (w.From > start ? w.From : start)).TotalHours), StringComparer.Ordinal);
    }
}

/// <summary>The record of one period: its rows by group, and the name of each group's key.</summary>
public sealed record SupervisionPeriod(DateTimeOffset From, DateTimeOffset To, SupervisionGroup Group, List<SupervisionRow> Rows, Func<string, string> Name);

public sealed record NamedRow(string Name, SupervisionRow Figures);

public sealed record SupervisionView(DateTimeOffset From, DateTimeOffset To, SupervisionGroup GroupBy, IReadOnlyList<NamedRow> Rows);
