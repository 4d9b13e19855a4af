using System.Globalization;
using System.Text;
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
/// <param name="Raised">Orders raised in the period (cancelled ones excluded).</param>
/// <param name="Acknowledged">Of those, acknowledged.</param>
/// <param name="Fixed">Of those, fixed.</param>
/// <param name="MedianAckMinutes">Median time to acknowledge, minutes (nearest rank).</param>
/// <param name="P90AckMinutes">90th percentile time to acknowledge, minutes (nearest rank).</param>
/// <param name="MedianFixMinutes">Median time to fix, minutes.</param>
/// <param name="P90FixMinutes">90th percentile time to fix, minutes.</param>
/// <param name="Overdue">Orders acknowledged or fixed after their due time (or still not, past it).</param>
/// <param name="OverdueShare">Overdue / raised.</param>
/// <param name="Reopened">Orders reopened because the fault came back.</param>
/// <param name="ReopenRate">Reopened / raised.</param>
public sealed record SupervisionRow(
    string Key, int Raised, int Acknowledged, int Fixed, double? MedianAckMinutes, double? P90AckMinutes, double? MedianFixMinutes, double? P90FixMinutes,
    int Overdue, double OverdueShare, int Reopened, double ReopenRate);

/// <summary>
/// The supervision record: the evidence the residents' committee uses to rate the property company. Computed from
/// the work orders raised in a period; percentiles by the nearest-rank method, so a figure is always a real order's.
/// </summary>
public static class SupervisionReport
{
    public static List<SupervisionRow> Compute(IEnumerable<WorkOrder> orders, Func<WorkOrder, string> key, DateTimeOffset periodEnd)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(key);
        return orders.Where(o => o.Status != WorkOrderStatus.Cancelled).GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var list = g.ToList();
            var ack = list.Where(o => o.AcknowledgedAt is not null).Select(o => (o.AcknowledgedAt!.Value - o.CreatedAt).TotalMinutes).ToList();
            var fix = list.Where(o => o.FixedAt is not null).Select(o => (o.FixedAt!.Value - o.CreatedAt).TotalMinutes).ToList();
            var overdue = list.Count(o => (o.AcknowledgedAt ?? periodEnd) > o.AckDueAt || (o.FixedAt ?? periodEnd) > o.FixDueAt);
            var reopened = list.Count(o => o.ReopenCount > 0);
            return new SupervisionRow(
                g.Key, list.Count, ack.Count, fix.Count, Percentile(ack, 50), Percentile(ack, 90), Percentile(fix, 50), Percentile(fix, 90),
                overdue, Share(overdue, list.Count), reopened, Share(reopened, list.Count));
        }).ToList();
    }

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

    /// <summary>The rows as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese names).</summary>
    public static byte[] ToCsv(IEnumerable<SupervisionRow> rows, Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(name);
        var csv = new StringBuilder();
        csv.AppendLine("id,name,raised,acknowledged,fixed,median_ack_min,p90_ack_min,median_fix_min,p90_fix_min,overdue,overdue_share,reopened,reopen_rate");
        foreach (var r in rows)
        {
            csv.AppendLine(string.Join(',', Field(r.Key), Field(name(r.Key)), N(r.Raised), N(r.Acknowledged), N(r.Fixed), N(r.MedianAckMinutes), N(r.P90AckMinutes),
                N(r.MedianFixMinutes), N(r.P90FixMinutes), N(r.Overdue), N(r.OverdueShare), N(r.Reopened), N(r.ReopenRate)));
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 3);

    private static string N(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? string.Empty;

    // Quote every text field; a leading = + - @ would be a formula to a spreadsheet, so it is neutralised.
    private static string Field(string text)
    {
        var safe = text.Length > 0 && "=+-@".Contains(text[0], StringComparison.Ordinal) ? "'" + text : text;
        return $"\"{safe.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}
