using Iot.Cloud.Kernel;
using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.WorkOrders;

/// <summary>
/// Whether the telemetry shows a fixed order's repair: a lamp is repaired when it draws current at night after the fix;
/// other faults when their alerts stay cleared (the sweep's quiet period), so they need nothing from here.
/// </summary>
public sealed class RepairEvidence(SiteRegistry registry, ITimeSeriesStore store, TimeProvider time)
{
    /// <summary>True when the order's repair shows, or when telemetry has nothing to say about its fault.</summary>
    public async Task<bool> ShowsRepairAsync(WorkOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Fault != "lamp-out" || order.FixedAt is not { } fixedAt || registry.Current?.Site.Manifest is not { } site)
        {
            return true;
        }

        if (!Subject.TryParse(order.Subject, out var about) || about.Value.Device is not { } device
            || !AgentId.TryParse(about.Value.Agent, out var agent, out _) || !SensorId.TryParse($"{device}.current", out var sensor, out _))
        {
            return true;
        }

        var sun = new SunClock(site.Location.Lat, site.Location.Lon, TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone));
        var points = await store.RangeAsync(agent, sensor, fixedAt, time.GetUtcNow().AddSeconds(1), Resolution.Raw, CancellationToken.None);
        return points.Any(p => p.Max > 0.1 && sun.IsNight(p.At, TimeSpan.Zero));
    }
}
