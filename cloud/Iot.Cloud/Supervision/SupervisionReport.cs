using Iot.Cloud.WorkOrders;

namespace Iot.Cloud.Supervision;

/// <summary>How work orders are grouped in the supervision record.</summary>
public enum SupervisionGroup
{
    /// <summary>By responsible party (property company, owning unit, residents' committee).</summary>
    Party,

    /// <summary>By block.</summary>
    Block,

    /// <summary>By courtyard.</summary>
    Courtyard,

    /// <summary>By device kind.</summary>
    Kind,
}

/// <summary>One row of the supervision record: how one party (block, courtyard, device kind) answered its work orders.</summary>
/// <param name="Key">The group's id.</param>
/// <param name="Raised">Orders raised (or reopened) in the period, cancelled ones excluded; a reopened order counts from its reopening.</param>
/// <param name="Acknowledged">Of those, acknowledged.</param>
/// <param name="Fixed">Of those, confirmed repaired (by the telemetry, the community, the street office or the reporting resident).</param>
/// <param name="MedianAckMinutes">Median time to acknowledge, minutes (nearest rank).</param>
/// <param name="P90AckMinutes">90th percentile time to acknowledge, minutes (nearest rank).</param>
/// <param name="MedianFixMinutes">Median time to confirmed recovery, minutes (not to the click on "fixed").</param>
/// <param name="P90FixMinutes">90th percentile time to confirmed recovery, minutes.</param>
/// <param name="Overdue">Orders acknowledged or repaired after their due time (or still not, past it); a repair awaiting confirmation counts at its "fixed".</param>
/// <param name="OverdueShare">Overdue / raised; null without orders.</param>
/// <param name="Reopened">Orders reopened because the fault came back.</param>
/// <param name="ReopenRate">Reopened / raised; null without orders.</param>
/// <param name="Ratings">Ratings the community and residents gave these orders' repairs (one per order and person).</param>
/// <param name="AverageRating">Their average, 1 (poor) to 5 (excellent), one decimal; null without ratings.</param>
/// <param name="ByTelemetry">Repairs confirmed by the telemetry.</param>
/// <param name="ByCommunity">Repairs confirmed by the community: its residents' committee, volunteers and building heads, or the street office.</param>
/// <param name="ByResident">Repairs confirmed by the resident who reported them.</param>
/// <param name="MaintenanceHours">Hours of maintenance windows in the group's courtyards within the period (alerts silenced); null when the grouping has no courtyards (device kind).</param>
/// <param name="RoundsDue">Block patrol rounds due in the group's courtyards in the period (<see cref="Patrols.PatrolRecord"/>); null for groupings without them (courtyard, device kind).</param>
/// <param name="RoundsMissed">Of those, not walked.</param>
public sealed record SupervisionRow(
    string Key, int Raised, int Acknowledged, int Fixed, double? MedianAckMinutes, double? P90AckMinutes, double? MedianFixMinutes, double? P90FixMinutes,
    int Overdue, double? OverdueShare, int Reopened, double? ReopenRate, int Ratings = 0, double? AverageRating = null,
    int ByTelemetry = 0, int ByCommunity = 0, int ByResident = 0, double? MaintenanceHours = null, int? RoundsDue = null, int? RoundsMissed = null)
{
    /// <summary>A group with patrol rounds due and no work order in the period.</summary>
    public static SupervisionRow Empty(string key) => new(key, 0, 0, 0, null, null, null, null, 0, null, 0, null);
}

/// <summary>
/// The supervision record: the evidence the residents' committee uses to rate the property company. Computed from
/// the work orders raised in a period; percentiles by the nearest-rank method, so a figure is always a real order's.
/// </summary>
public static class SupervisionReport
{
    /// <param name="orders">The orders raised in the period.</param>
    /// <param name="key">The group of an order.</param>
    /// <param name="periodEnd">The end of the period: an order not yet acknowledged or fixed by then and past due is overdue.</param>
    /// <param name="scores">The ratings' scores by work order, when ratings count.</param>
    /// <param name="maintenanceHours">Hours of maintenance windows by group, when the grouping has courtyards.</param>
    /// <param name="groups">Groups that have a row with or without orders (the parties answering for courtyards in scope).</param>
    public static List<SupervisionRow> Compute(
        IEnumerable<WorkOrder> orders, Func<WorkOrder, string> key, DateTimeOffset periodEnd, ILookup<long, int>? scores = null,
        IReadOnlyDictionary<string, double>? maintenanceHours = null, IEnumerable<string>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(key);
        var byGroup = orders.Where(o => o.Status != WorkOrderStatus.Cancelled).ToLookup(key);
        return byGroup.Select(g => g.Key).Union(groups ?? [], StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(k =>
        {
            var list = byGroup[k].ToList();
            var ack = list.Where(o => o.AcknowledgedAt is not null).Select(o => (o.AcknowledgedAt!.Value - o.StartedAt).TotalMinutes).ToList();
            var fix = list.Where(o => o.RecoveredAt is not null).Select(o => (o.RecoveredAt!.Value - o.StartedAt).TotalMinutes).ToList();
            var overdue = list.Count(o => (o.AcknowledgedAt ?? periodEnd) > o.AckDueAt || (Repaired(o) ?? periodEnd) > o.FixDueAt);
            var reopened = list.Count(o => o.ReopenCount > 0);
            List<int> rated = scores is null ? [] : [.. list.SelectMany(o => scores[o.Id])];
            return new SupervisionRow(
                k, list.Count, ack.Count, fix.Count, Percentile(ack, 50), Percentile(ack, 90), Percentile(fix, 50), Percentile(fix, 90),
                overdue, Share(overdue, list.Count), reopened, Share(reopened, list.Count), rated.Count, rated.Count == 0 ? null : Math.Round(rated.Average(), 1, MidpointRounding.AwayFromZero),
                list.Count(o => o.VerifiedVia == Verification.Telemetry), list.Count(o => o.VerifiedVia is Verification.Community or Verification.StreetOffice or Verification.Volunteer),
                list.Count(o => o.VerifiedVia == Verification.Resident), maintenanceHours is null ? null : Math.Round(maintenanceHours.GetValueOrDefault(k), 1));
        }).ToList();
    }

    // When the repair was done for the due time: its confirmed recovery, or the "fixed" still awaiting confirmation.
    private static DateTimeOffset? Repaired(WorkOrder o) => o.RecoveredAt ?? (o.Status == WorkOrderStatus.Fixed ? o.FixedAt : null);

    /// <summary>Nearest-rank percentile: the smallest value with at least p % of the values at or below it.</summary>
    public static double? Percentile(IReadOnlyList<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return Math.Round(sorted[Math.Clamp(rank, 1, sorted.Count) - 1], 1);
    }

    private static double? Share(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 3);
}
