using Iot.Cloud.Alerts;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Kernel;
using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Dashboards;

/// <summary>The safety picture of one block over a period.</summary>
/// <param name="Community">The community's id.</param>
/// <param name="CommunityName">Its name.</param>
/// <param name="Block">The block's id.</param>
/// <param name="BlockName">Its name.</param>
/// <param name="Courtyards">Courtyards counted (those in the viewer's scope).</param>
/// <param name="Agents">Courtyard units in them.</param>
/// <param name="OpenHazards">Alerts raised and not cleared, by kind (streetlight, gate, drain, charger, agent, device).</param>
/// <param name="LampAvailability">Share of lamp-hours at night without a dark-lamp alert; null without lamps.</param>
/// <param name="GateIncidents">Gates forced or held open.</param>
/// <param name="HighWater">Drainage high-water events.</param>
/// <param name="ChargerCutOffs">Charging outlets cut off by their interlock (over-current, heat, smoke).</param>
/// <param name="AgentsOffline">Courtyard units not online now.</param>
/// <param name="Lamps">Streetlights in the block's courtyards: none is why a block has no night figure at all.</param>
public sealed record BlockSafety(
    string Community, string CommunityName, string Block, string BlockName, int Courtyards, int Agents,
    IReadOnlyDictionary<string, int> OpenHazards, double? LampAvailability, int GateIncidents, int HighWater, int ChargerCutOffs, int AgentsOffline, int Lamps)
{
    public int OpenHazardTotal => OpenHazards.Values.Sum();
}

/// <summary>One week of the trend.</summary>
public sealed record WeekSafety(DateTimeOffset From, DateTimeOffset To, double? LampAvailability, int GateIncidents, int HighWater, int ChargerCutOffs);

/// <summary>The safety picture of some courtyards: per block for the period, and per week before it.</summary>
public sealed record SafetyPicture(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<BlockSafety> Blocks, IReadOnlyList<WeekSafety> Weeks);

/// <summary>
/// Computes the safety dashboard from what the system recorded: open alerts, lamp-out alerts against the night hours
/// (sunset to sunrise at the site), the agents' own events (gates, high water, charger cut-offs), and presence.
/// Only the courtyards in the caller's scope count.
/// </summary>
public sealed class SafetyFigures(CloudDb db, SiteRegistry registry)
{
    /// <summary>Night starts this long after sunset and ends this long before sunrise, as the lamp rule has it.</summary>
    private static readonly TimeSpan Dusk = TimeSpan.FromMinutes(30);

    private static readonly string[] EventKinds = ["gateForced", "gateHeldOpen", "drainHighWater", "chargerCutOff"];

    /// <summary>The picture for the 7 days before <paramref name="to"/>, with <paramref name="weeks"/> weeks of trend.</summary>
    public async Task<SafetyPicture> ComputeAsync(AccessScope scope, DateTimeOffset to, int weeks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var site = registry.Current?.Site ?? throw new InvalidOperationException("the site registry is not loaded");
        var from = to.AddDays(-7);
        var trendFrom = to.AddDays(-7 * weeks);
        var courtyards = site.Courtyards.Where(c => scope.Courtyard(c.Courtyard.Id)).ToList();
        var ids = courtyards.Select(c => c.Courtyard.Id).ToArray();
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(site.Manifest.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var sun = new SunClock(site.Manifest.Location.Lat, site.Manifest.Location.Lon, zone);

        var open = await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.CourtyardId) && a.ClosedAt == null && a.Status != AlertStatus.Cleared)
            .Select(a => new { a.CourtyardId, a.Target }).ToListAsync(cancellationToken);
        // A lamp is out while an alert of a rule that says so is (by the rule's definition, whatever its fault is called).
        var darkRules = (await db.Rules.AsNoTracking().ToListAsync(cancellationToken)).Where(r => r.SaysLampIsDark).Select(r => (r.Key, r.Version)).ToHashSet();
        var darkKeys = darkRules.Select(r => r.Key).Distinct().ToArray();
        var lampOut = (await db.Alerts.AsNoTracking()
            .Where(a => ids.Contains(a.CourtyardId) && darkKeys.Contains(a.RuleKey) && a.RaisedAt < to && (a.ClearedAt == null || a.ClearedAt > trendFrom) && (a.ClosedAt == null || a.ClosedAt > trendFrom))
            .Select(a => new { a.CourtyardId, a.Subject, a.RaisedAt, a.ClearedAt, a.ClosedAt, a.RuleKey, a.RuleVersion }).ToListAsync(cancellationToken))
            .Where(a => darkRules.Contains((a.RuleKey, a.RuleVersion))).ToList();
        var events = await db.DeviceEvents.AsNoTracking().Where(e => ids.Contains(e.CourtyardId) && EventKinds.Contains(e.Kind) && e.At >= trendFrom && e.At < to)
            .Select(e => new { e.CourtyardId, e.Kind, e.At }).ToListAsync(cancellationToken);
        var online = (await db.Presence.AsNoTracking().Where(p => p.State == Presence.Online).Select(p => p.AgentId).ToListAsync(cancellationToken)).ToHashSet();

        // A lamp counts only from when its agent first reported: before that nobody was watching, and "lit" would be a guess.
        var watchedSince = (await db.Sequences.AsNoTracking().Select(s => new { s.AgentId, s.FirstSeen }).ToListAsync(cancellationToken))
            .GroupBy(s => s.AgentId).ToDictionary(g => g.Key, g => g.Min(s => s.FirstSeen));

        // Dark periods per lamp (agent/device), merged: two rules may say the same lamp is out.
        var dark = lampOut.GroupBy(a => a.Subject).ToDictionary(
            g => g.Key,
            g => Merge(g.Select(a => (a.RaisedAt, a.ClearedAt ?? a.ClosedAt ?? to))),
            StringComparer.Ordinal);
        var lamps = courtyards.SelectMany(c => c.Courtyard.Agents.SelectMany(a => a.Devices.Where(d => d.Kind == Iot.Protocol.Sites.DeviceKind.Streetlight)
            .Select(d => (Courtyard: c.Courtyard.Id, Subject: new Subject(a.Id, d.Id).ToString(), Agent: a.Id)))).ToList();

        double? Availability(IEnumerable<(CourtyardId Courtyard, string Subject, AgentId Agent)> which, DateTimeOffset start, DateTimeOffset end)
        {
            var total = 0.0;
            var out_ = 0.0;
            foreach (var lamp in which)
            {
                if (!watchedSince.TryGetValue(lamp.Agent, out var since) || since >= end)
                {
                    continue;
                }

                foreach (var night in Nights(sun, zone, Max(start, since), end))
                {
                    total += (night.To - night.From).TotalHours;
                    if (dark.TryGetValue(lamp.Subject, out var periods))
                    {
                        out_ += periods.Sum(p => Overlap(p, night).TotalHours);
                    }
                }
            }

            return total <= 0 ? null : Math.Round(1 - (out_ / total), 4);
        }

        int Count(IEnumerable<CourtyardId> inCourtyards, string[] kinds, DateTimeOffset start, DateTimeOffset end)
        {
            var set = inCourtyards.ToHashSet();
            return events.Count(e => set.Contains(e.CourtyardId) && kinds.Contains(e.Kind) && e.At >= start && e.At < end);
        }

        var blocks = new List<BlockSafety>();
        foreach (var community in site.Communities)
        {
            foreach (var block in community.Blocks)
            {
                var mine = courtyards.Where(c => c.Community.Id == community.Id && c.Courtyard.Block == block.Id).Select(c => c.Courtyard).ToList();
                if (mine.Count == 0)
                {
                    continue;
                }

                var names = mine.Select(c => c.Id).ToList();
                var agents = mine.SelectMany(c => c.Agents).Select(a => a.Id).ToList();
                var hazards = open.Where(a => names.Contains(a.CourtyardId)).GroupBy(a => a.Target).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
                var blockLamps = lamps.Where(l => names.Contains(l.Courtyard)).ToList();
                blocks.Add(new BlockSafety(
                    community.Id.Value, community.Name, block.Id.Value, block.Name, mine.Count, agents.Count, hazards,
                    Availability(blockLamps, from, to),
                    Count(names, ["gateForced", "gateHeldOpen"], from, to),
                    Count(names, ["drainHighWater"], from, to),
                    Count(names, ["chargerCutOff"], from, to),
                    agents.Count(a => !online.Contains(a)),
                    blockLamps.Count));
            }
        }

        var trend = new List<WeekSafety>();
        for (var w = weeks - 1; w >= 0; w--)
        {
            var end = to.AddDays(-7 * w);
            var start = end.AddDays(-7);
            trend.Add(new WeekSafety(start, end, Availability(lamps, start, end), Count(ids, ["gateForced", "gateHeldOpen"], start, end), Count(ids, ["drainHighWater"], start, end), Count(ids, ["chargerCutOff"], start, end)));
        }

        return new SafetyPicture(from, to, blocks, trend);
    }

    /// <summary>The night hours (sunset + dusk to sunrise − dusk) within a period.</summary>
    public static List<(DateTimeOffset From, DateTimeOffset To)> Nights(SunClock sun, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(sun);
        var nights = new List<(DateTimeOffset, DateTimeOffset)>();
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).Date).AddDays(-1);
        var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, zone).Date);
        for (; day <= last; day = day.AddDays(1))
        {
            var start = sun.On(day).Sunset + Dusk;
            var end = sun.On(day.AddDays(1)).Sunrise - Dusk;
            var clipped = (Max(start, from), Min(end, to));
            if (clipped.Item2 > clipped.Item1)
            {
                nights.Add(clipped);
            }
        }

        return nights;
    }

    private static List<(DateTimeOffset From, DateTimeOffset To)> Merge(IEnumerable<(DateTimeOffset From, DateTimeOffset To)> periods)
    {
        var merged = new List<(DateTimeOffset From, DateTimeOffset To)>();
        foreach (var p in periods.Where(p => p.To > p.From).OrderBy(p => p.From))
        {
            if (merged.Count > 0 && p.From <= merged[^1].To)
            {
                merged[^1] = (merged[^1].From, Max(merged[^1].To, p.To));
            }
            else
            {
                merged.Add(p);
            }
        }

        return merged;
    }

    private static TimeSpan Overlap((DateTimeOffset From, DateTimeOffset To) a, (DateTimeOffset From, DateTimeOffset To) b)
    {
        var span = Min(a.To, b.To) - Max(a.From, b.From);
        return span > TimeSpan.Zero ? span : TimeSpan.Zero;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
