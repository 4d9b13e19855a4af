using Iot.Protocol.Identifiers;
using Iot.Protocol.Sites;

namespace Iot.Edge.Simulation;

/// <summary>
/// The faults the demo plays, in this order. A forced gate comes first: its critical alert becomes a routed order at
/// once, while a dark lamp's major alert waits ten minutes for its order (<c>WorkOrders:CreateAfter</c>).
/// </summary>
public enum DemoFault
{
    /// <summary>A locked gate is forced open; it swings shut a minute later.</summary>
    GateForced,

    /// <summary>A battery on a charger outlet overheats; the agent's interlock cuts the outlet off (a person resets it).</summary>
    ChargerOverheating,

    /// <summary>A cloudburst over a courtyard for four minutes raises its drain; the water then runs off.</summary>
    DrainStorm,

    /// <summary>A lamp burns out while it is night in its courtyard, and is repaired a quarter of an hour later.</summary>
    LampDarkAtNight,
}

/// <summary>One fault of the demo: what, where, and when it starts and ends.</summary>
public sealed record PlannedFault(int Number, DemoFault Kind, AgentId Agent, DeviceId Device, DateTimeOffset Starts, DateTimeOffset Ends);

/// <summary>
/// The demo's timetable for a fleet (<see cref="ScenarioOptions.Demo"/>): fault n starts at the fleet's first tick +
/// the first delay + n intervals, its kind is the next in <see cref="DemoFault"/>'s order, and it goes to the next agent
/// (in manifest order) that has such a device. It only says what happens; each courtyard plays its own faults on its own
/// tick (<see cref="TakeDue"/>), so the physics of one courtyard is only ever touched from that courtyard's thread.
/// </summary>
public sealed class DemoScenario
{
    private static readonly DemoFault[] Order = Enum.GetValues<DemoFault>();
    private readonly Dictionary<DemoFault, List<(AgentId Agent, DeviceId Device)>> _candidates = [];
    private readonly Dictionary<AgentId, List<PlannedFault>> _due = [];
    private readonly TimeSpan _first;
    private readonly TimeSpan _interval;
    private readonly Lock _gate = new();
    private DateTimeOffset? _origin;
    private int _next;
    private bool _held;

    /// <summary>Plans the demo over <paramref name="agents"/> (the agents this fleet runs).</summary>
    public DemoScenario(ScenarioOptions options, IEnumerable<AgentManifest> agents)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(agents);
        _first = TimeSpan.FromSeconds(options.DemoFirstFaultSeconds);
        _interval = TimeSpan.FromMinutes(options.DemoIntervalMinutes);
        foreach (var kind in Order)
        {
            _candidates[kind] = [];
        }

        foreach (var agent in agents)
        {
            foreach (var device in agent.Devices)
            {
                if (KindFor(device.Kind) is { } kind)
                {
                    _candidates[kind].Add((agent.Id, device.Id));
                }
            }
        }
    }

    /// <summary>
    /// Fault <paramref name="number"/> (from 0), given that the demo started at <paramref name="origin"/>; null when no
    /// agent of the fleet has a device for any kind.
    /// </summary>
    public PlannedFault? Plan(int number, DateTimeOffset origin)
    {
        // The kind in turn; a fleet without that kind of device gets the next kind it has.
        for (var skip = 0; skip < Order.Length; skip++)
        {
            var kind = Order[(number + skip) % Order.Length];
            var candidates = _candidates[kind];
            if (candidates.Count == 0)
            {
                continue;
            }

            // Each kind moves on to the next courtyard every time it comes round again.
            var (agent, device) = candidates[number / Order.Length % candidates.Count];
            var starts = origin + _first + (_interval * number);
            return new PlannedFault(number, kind, agent, device, starts, starts + Lasts(kind));
        }

        return null;
    }

    /// <summary>
    /// The faults of <paramref name="agent"/> that have started by <paramref name="now"/> and were not taken yet (each
    /// is handed out once). The first call of any courtyard starts the demo's clock; while the demo is held
    /// (<see cref="Hold"/>) nothing is due and its clock has not started.
    /// </summary>
    public IReadOnlyList<PlannedFault> TakeDue(AgentId agent, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_held)
            {
                return [];
            }

            _origin ??= now;
            while (Plan(_next, _origin.Value) is { } fault && fault.Starts <= now)
            {
                if (!_due.TryGetValue(fault.Agent, out var list))
                {
                    _due[fault.Agent] = list = [];
                }

                list.Add(fault);
                _next++;
            }

            if (!_due.Remove(agent, out var mine))
            {
                return [];
            }

            return mine;
        }
    }

    /// <summary>
    /// Holds the demo back: no fault is due, and its clock starts at the first <see cref="TakeDue"/> after
    /// <see cref="Release"/> (the fleet holds it while its agents replay a past week, so the first live fault comes after it).
    /// </summary>
    public void Hold()
    {
        lock (_gate)
        {
            _held = _origin is null;
        }
    }

    /// <summary>Lets the demo start (see <see cref="Hold"/>).</summary>
    public void Release()
    {
        lock (_gate)
        {
            _held = false;
        }
    }

    /// <summary>How long a fault of <paramref name="kind"/> lasts before the world mends it (an overheated outlet stays cut off).</summary>
    public static TimeSpan Lasts(DemoFault kind) => kind switch
    {
        DemoFault.GateForced => TimeSpan.FromMinutes(1),
        DemoFault.DrainStorm => TimeSpan.FromMinutes(4),
        DemoFault.LampDarkAtNight => TimeSpan.FromMinutes(15), // long enough for its major alert to become an order
        _ => TimeSpan.Zero,
    };

    private static DemoFault? KindFor(DeviceKind kind) => kind switch
    {
        DeviceKind.Streetlight => DemoFault.LampDarkAtNight,
        DeviceKind.Charger => DemoFault.ChargerOverheating,
        DeviceKind.Gate => DemoFault.GateForced,
        DeviceKind.Drain => DemoFault.DrainStorm,
        _ => null,
    };
}
