using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.WorkOrders;

/// <summary>
/// Whether the telemetry shows a fixed order's repair. How is part of the definition of the rules whose alerts made the
/// order: a rule that says a lamp is dark (<see cref="Rule.SaysLampIsDark"/>) is repaired when the lamp draws current at
/// night after the fix; for other rules their alerts staying cleared (the sweep's quiet period) is the proof, and
/// nothing is needed from here.
/// </summary>
public sealed class RepairEvidence(SiteRegistry registry, ITimeSeriesStore store, TimeProvider time)
{
    /// <summary>True when the order's repair shows, or when telemetry has nothing to say about its rules.</summary>
    public async Task<bool> ShowsRepairAsync(CloudDb db, WorkOrder order)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(order);
        if (order.FixedAt is not { } fixedAt || registry.Current?.Site.Manifest is not { } site
            || !await SaysLampIsDarkAsync(db, order.Id))
        {
            return true;
        }

        if (!Subject.TryParse(order.Subject, out var about) || about.Value.Device is not { } device
            || !SensorId.TryParse($"{device}.current", out var sensor, out _))
        {
            return true;
        }

        var sun = new SunClock(site.Location.Lat, site.Location.Lon, TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone));
        // By the minute (each point keeps the minute's highest current): a store answers at most 10,000 points, which
        // raw readings at a one-second interval would use up in under three hours, before the first night.
        var points = await store.RangeAsync(about.Value.Agent, sensor, fixedAt, time.GetUtcNow().AddSeconds(1), Resolution.Minute, CancellationToken.None);
        return points.Any(p => p.Max > 0.1 && sun.IsNight(p.At, TimeSpan.Zero));
    }

    // The versions of the rules that raised the order's alerts.
    private static async Task<bool> SaysLampIsDarkAsync(CloudDb db, long orderId)
    {
        var raisedBy = await db.Alerts.AsNoTracking().Where(a => a.WorkOrderId == orderId).Select(a => new { a.RuleKey, a.RuleVersion }).Distinct().ToListAsync();
        var keys = raisedBy.Select(r => r.RuleKey).Distinct().ToList();
        var rules = await db.Rules.AsNoTracking().Where(r => keys.Contains(r.Key)).ToListAsync();
        return rules.Any(r => r.SaysLampIsDark && raisedBy.Any(a => a.RuleKey == r.Key && a.RuleVersion == r.Version));
    }
}
