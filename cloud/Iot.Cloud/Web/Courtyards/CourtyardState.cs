using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Cloud.TimeSeries;
using Iot.Cloud.Web.Charts;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Courtyards;

/// <summary>How a device is doing: fine, in alarm, or not known (no recent reading, unit offline).</summary>
public enum DeviceHealth
{
    Ok,
    Alarm,
    Unknown,
}

/// <summary>One device as the courtyard page shows it.</summary>
public sealed record DeviceState(string Agent, DeviceManifest Device, DeviceHealth Health, IReadOnlyList<LatestReading> Readings, IReadOnlyList<Alert> Alerts);

/// <summary>One agent's presence.</summary>
public sealed record AgentState(string Id, string Presence, DateTimeOffset? Since, DateTimeOffset? LastSeen);

/// <summary>Everything the courtyard page draws.</summary>
public sealed record CourtyardPicture(
    CommunityManifest Community, CourtyardManifest Courtyard, string BlockName, Party? Responsible, IReadOnlyList<AgentState> Agents, IReadOnlyList<DeviceState> Devices,
    IReadOnlyList<ChartSeries> LampCurrent, IReadOnlyList<ChartSeries> WaterLevel, IReadOnlyList<ChartMarker> HighWater, IReadOnlyList<ChartSeries> ChargerTemperature,
    DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>Where the courtyard's rules raise alerts on the lamp current, drain level and charger temperature charts.</summary>
    public ChartLimits Limits { get; init; } = new([], [], []);
}

/// <summary>The rules' alert levels drawn across the courtyard's charts.</summary>
public sealed record ChartLimits(IReadOnlyList<ChartThreshold> LampCurrent, IReadOnlyList<ChartThreshold> WaterLevel, IReadOnlyList<ChartThreshold> ChargerTemperature);

/// <summary>Reads a courtyard's devices, their latest readings and alerts, agent presence and chart series.</summary>
public sealed class CourtyardState(CloudDb db, SiteRegistry registry, ITimeSeriesStore store, TimeProvider time)
{
    /// <summary>A reading older than this says nothing about now.</summary>
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(5);

    /// <summary>The courtyard over the last <paramref name="span"/> (24 h at minute resolution, longer at hour resolution); null when unknown.</summary>
    public async Task<CourtyardPicture?> LoadAsync(CourtyardId courtyardId, TimeSpan span, CancellationToken cancellationToken)
    {
        var site = registry.Current?.Site;
        if (site?.Courtyards.FirstOrDefault(c => c.Courtyard.Id == courtyardId) is not { Courtyard: not null } found)
        {
            return null;
        }

        var (community, courtyard) = found;
        var now = time.GetUtcNow();
        var from = now - span;
        var resolution = span <= TimeSpan.FromDays(1) ? Resolution.Minute : Resolution.Hour;
        var party = await db.Parties.AsNoTracking().SingleOrDefaultAsync(p => p.Id == courtyard.Responsible!.Value.Value, cancellationToken);
        var agentIds = courtyard.Agents.Select(a => a.Id).ToList();
        var presence = await db.Presence.AsNoTracking().Where(p => agentIds.Contains(p.AgentId)).ToDictionaryAsync(p => p.AgentId, cancellationToken);
        var alerts = await db.Alerts.AsNoTracking().Where(a => a.CourtyardId == courtyardId && a.ClosedAt == null).OrderByDescending(a => a.Id).ToListAsync(cancellationToken);
        var latest = await store.LatestAsync(courtyardId, null, cancellationToken);
        var highWater = await db.DeviceEvents.AsNoTracking().Where(e => e.CourtyardId == courtyardId && e.Kind == "drainHighWater" && e.At >= from && e.At <= now)
            .OrderBy(e => e.At).Select(e => new { e.At, e.DeviceId, e.Value }).ToListAsync(cancellationToken);

        var devices = new List<DeviceState>();
        foreach (var agent in courtyard.Agents)
        {
            var online = presence.TryGetValue(agent.Id, out var p) && p.State == Presence.Online;
            foreach (var device in agent.Devices)
            {
                var readings = latest.Where(l => l.Agent == agent.Id && l.Sensor.Device == device.Id).OrderBy(l => l.Sensor.Value, StringComparer.Ordinal).ToList();
                var mine = alerts.Where(a => a.AgentId == agent.Id && a.DeviceId == device.Id && a.Status != AlertStatus.Cleared).ToList();
                var health = mine.Count > 0 ? DeviceHealth.Alarm : online && readings.Any(r => now - r.At < Fresh) ? DeviceHealth.Ok : DeviceHealth.Unknown;
                devices.Add(new DeviceState(agent.Id.Value, device, health, readings, mine));
            }
        }

        async Task<List<ChartSeries>> SeriesAsync(DeviceKind kind, Quantity quantity)
        {
            var result = new List<ChartSeries>();
            foreach (var d in devices.Where(d => d.Device.Kind == kind))
            {
                foreach (var reading in d.Readings.Where(r => r.Quantity == quantity))
                {
                    var points = await store.RangeAsync(reading.Agent, reading.Sensor, from, now, resolution, cancellationToken);
                    result.Add(new ChartSeries(d.Device.Name, points.Select(x => new ChartPoint(x.At, x.Mean)).ToList()));
                }
            }

            return result;
        }

        return new CourtyardPicture(
            community, courtyard, community.Blocks.FirstOrDefault(b => b.Id == courtyard.Block)?.Name ?? courtyard.Block.Value, party,
            courtyard.Agents.Select(a => presence.TryGetValue(a.Id, out var p)
                ? new AgentState(a.Id.Value, WireNames.Of(p.State), p.Since, p.LastSeen)
                : new AgentState(a.Id.Value, "unknown", null, null)).ToList(),
            devices,
            await SeriesAsync(DeviceKind.Streetlight, Quantity.Current),
            await SeriesAsync(DeviceKind.Drain, Quantity.WaterLevel),
            highWater.Select(e => new ChartMarker(e.At, e.DeviceId.Value)).ToList(),
            await SeriesAsync(DeviceKind.Charger, Quantity.Temperature),
            from, now)
        {
            Limits = await LimitsAsync(courtyard, cancellationToken),
        };
    }

    // The rules in force for this courtyard, as the rule runner resolves them (site, block and courtyard versions).
    private async Task<ChartLimits> LimitsAsync(CourtyardManifest courtyard, CancellationToken cancellationToken)
    {
        var rules = RuleSet.Build(await RuleCatalog.CurrentAsync(db, cancellationToken), registry.Current);
        IReadOnlyList<ChartThreshold> Of(DeviceKind kind, string signal, string unit) =>
            RuleThresholds.For(rules, courtyard.Id, kind, signal, courtyard.Agents.SelectMany(a => a.Devices).Where(d => d.Kind == kind), unit);
        return new ChartLimits(Of(DeviceKind.Streetlight, "current", "A"), Of(DeviceKind.Drain, "level", "cm"), Of(DeviceKind.Charger, "temperature", "°C"));
    }
}
