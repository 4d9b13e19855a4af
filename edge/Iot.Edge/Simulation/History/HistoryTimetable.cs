using Iot.Protocol.Identifiers;
using Iot.Protocol.Sites;

namespace Iot.Edge.Simulation.History;

/// <summary>One fault of the past week, on one device (or every drain, for a storm; or a whole agent, for an outage).</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Agent">The agent it happened on (none for a storm: it rains on every courtyard).</param>
/// <param name="Device">The device (none for a storm or an outage).</param>
/// <param name="From">When it began.</param>
/// <param name="To">When it was over: the lamp mended, the gate shut, the outlet reset, the water gone, the agent back.</param>
/// <param name="Outlet">The charger outlet cut off.</param>
/// <param name="Again">The same fault back on the same device a day after an earlier one was over (the cloud reopens its order).</param>
public sealed record PastFault(PastFaultKind Kind, AgentId? Agent, DeviceId? Device, DateTimeOffset From, DateTimeOffset To, int? Outlet = null, bool Again = false);

/// <summary>The kinds of fault the past week holds.</summary>
public enum PastFaultKind
{
    /// <summary>A lamp dark from dusk on: burnt out until mended.</summary>
    LampDark,

    /// <summary>A gate forced open, shut again a few minutes later.</summary>
    GateForced,

    /// <summary>A charger's battery overheating: the outlet cut off by the agent's interlock, reset later.</summary>
    ChargerOverheated,

    /// <summary>A cloudburst: every drain rises over its high-water mark.</summary>
    Storm,

    /// <summary>An agent without power or network: it has no readings for those hours.</summary>
    AgentOffline,

    /// <summary>Not a fault: a device the live demo plays on, kept out of the week's faults and storm.</summary>
    Spared,
}

/// <summary>
/// The faults of the week before the fleet's first start, from a seed: a few lamps dark at night, gates forced, chargers
/// overheating and cut off, a storm, an agent offline for some hours, and one forced gate forced again a day later. The
/// same seed and end give the same week.
/// </summary>
public static class HistoryTimetable
{
    /// <summary>
    /// The faults of [<paramref name="from"/>, <paramref name="to"/>) for <paramref name="agents"/>, oldest first, none on the
    /// devices in <paramref name="spare"/> (those the live demo plays its faults on: a fault of the week still open there
    /// would take in the live one instead of opening an order of its own). The gate forced again is one of
    /// <paramref name="worked"/>'s (the agents whose party's orders are worked in the demo, so the first order is closed
    /// when the gate is forced again; any agent when not given).
    /// </summary>
    public static IReadOnlyList<PastFault> Of(IReadOnlyList<AgentManifest> agents, DateTimeOffset from, DateTimeOffset to, Weather weather, int seed,
        IReadOnlySet<(AgentId Agent, DeviceId Device)>? spare = null, IReadOnlySet<AgentId>? worked = null)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(weather);
        var random = new Random(seed);
        var days = Math.Max(1, (int)Math.Ceiling((to - from).TotalDays));
        var faults = new List<PastFault>();
        DateTimeOffset Within(DateTimeOffset start, DateTimeOffset end) =>
            start + TimeSpan.FromSeconds(random.NextDouble() * Math.Max(0, (end - start).TotalSeconds));

        var devices = agents.SelectMany(a => a.Devices.Select(d => (Agent: a.Id, Device: d))).Where(d => spare?.Contains((d.Agent, d.Device.Id)) != true).ToList();
        List<(AgentId Agent, DeviceManifest Device)> OfKind(DeviceKind kind) => devices.Where(d => d.Device.Kind == kind).ToList();
        T Pick<T>(List<T> items) => items[random.Next(items.Count)];

        // About one dark lamp a night, found at dusk and mended the next day (some the same evening, some a day later).
        var lamps = OfKind(DeviceKind.Streetlight);
        for (var night = 0; night < days && lamps.Count > 0; night++)
        {
            var (agent, lamp) = Pick(lamps);
            var dusk = Dusk(weather, from.AddDays(night));
            if (dusk is { } start && start < to)
            {
                var mended = start + TimeSpan.FromHours(2 + (random.NextDouble() * 30));
                faults.Add(new PastFault(PastFaultKind.LampDark, agent, lamp.Id, start, Min(mended, to)));
            }
        }

        // A forced gate most days, shut 2 to 10 minutes later.
        var gates = OfKind(DeviceKind.Gate);
        for (var i = 0; i < days + 2 && gates.Count > 0; i++)
        {
            var (agent, gate) = Pick(gates);
            var at = Within(from, to - TimeSpan.FromMinutes(15));
            faults.Add(new PastFault(PastFaultKind.GateForced, agent, gate.Id, at, at + TimeSpan.FromMinutes(2 + random.Next(9))));
        }

        // A charger overheating every other day or so, mostly at night when batteries charge; reset 1 to 12 hours later.
        var chargers = OfKind(DeviceKind.Charger);
        for (var i = 0; i < Math.Max(1, days / 2) && chargers.Count > 0; i++)
        {
            var (agent, charger) = Pick(chargers);
            var evening = from.AddDays(random.Next(days)).Date.AddHours(12 + random.Next(10)); // 20:00 to 06:00 in Kunming
            var at = new DateTimeOffset(evening, TimeSpan.Zero) + TimeSpan.FromMinutes(random.Next(60));
            if (at < to - TimeSpan.FromHours(1) && at > from)
            {
                var outlet = charger.Parts.Where(p => p.Outlet is not null).Select(p => p.Outlet!.Value).DefaultIfEmpty(1).Min();
                faults.Add(new PastFault(PastFaultKind.ChargerOverheated, agent, charger.Id, at, Min(at + TimeSpan.FromHours(1 + random.Next(12)), to), outlet));
            }
        }

        // One storm of two hours in the week, and one agent out for 3 to 8 hours.
        var storm = Within(from + TimeSpan.FromHours(12), to - TimeSpan.FromHours(6));
        faults.Add(new PastFault(PastFaultKind.Storm, null, null, storm, storm + TimeSpan.FromHours(2)));
        faults.AddRange((spare ?? new HashSet<(AgentId, DeviceId)>()).Select(s => new PastFault(PastFaultKind.Spared, s.Agent, s.Device, from, to)));
        if (agents.Count > 0)
        {
            var outage = Within(from + TimeSpan.FromHours(6), to - TimeSpan.FromHours(12));
            faults.Add(new PastFault(PastFaultKind.AgentOffline, Pick(agents.ToList()).Id, null, outage, outage + TimeSpan.FromHours(3 + random.Next(6))));
        }

        // One gate forced twice, 20 to 28 hours apart (its lock did not hold): by the second time the first order was fixed
        // and closed, so the cloud reopens it. A gate of `worked` with nothing else on it or its agent in those hours (a few
        // times tried); drawn last, so the rest of the week is the same as without it.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var firstAt = Within(from + TimeSpan.FromHours(6), to - TimeSpan.FromHours(36));
            var gap = TimeSpan.FromHours(20 + (random.NextDouble() * 8));
            var shut = TimeSpan.FromMinutes(2 + random.Next(9));
            var quiet = gates.Where(g => (worked is null || worked.Contains(g.Agent))
                && !faults.Any(o => o.Agent == g.Agent && (o.Kind == PastFaultKind.AgentOffline || o.Device == g.Device.Id)
                    && o.From < firstAt + gap + TimeSpan.FromHours(1) && o.To > firstAt - TimeSpan.FromHours(1))).ToList();
            if (quiet.Count > 0 && firstAt >= from && firstAt + gap < to - TimeSpan.FromHours(1))
            {
                var (agent, gate) = Pick(quiet);
                faults.Add(new PastFault(PastFaultKind.GateForced, agent, gate.Id, firstAt, firstAt + shut));
                faults.Add(new PastFault(PastFaultKind.GateForced, agent, gate.Id, firstAt + gap, firstAt + gap + shut, Again: true));
                break;
            }
        }

        return [.. faults.OrderBy(f => f.From)];
    }

    // The first sunset after `after` (the lamps switch on).
    private static DateTimeOffset? Dusk(Weather weather, DateTimeOffset after)
    {
        for (var t = after; t < after.AddDays(1); t += TimeSpan.FromMinutes(5))
        {
            if (weather.SunElevation(t) < -1 && weather.SunElevation(t - TimeSpan.FromMinutes(5)) >= -1)
            {
                return t;
            }
        }

        return null;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
