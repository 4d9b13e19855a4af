using System.Globalization;

namespace Iot.Edge.Safety;

/// <summary>Why an interlock cut an outlet; the wire names of <c>chargerCutOff</c>'s reason.</summary>
public static class TripReason
{
    /// <summary>Outlet current over its threshold.</summary>
    public const string OverCurrent = "overCurrent";

    /// <summary>Station temperature over its threshold.</summary>
    public const string OverTemperature = "overTemperature";

    /// <summary>The smoke detector alarms.</summary>
    public const string Smoke = "smoke";

    /// <summary>A sensor the outlet depends on failed (its own current sensor, the station's temperature probe or smoke input).</summary>
    public const string SensorFault = "sensorFault";
}

/// <summary>
/// The latch of one charging outlet. A trip latches it (the caller has already opened the relay); only a reset
/// naming a person and a reason, with the cause gone, releases it; a second trip within the repeat window locks
/// it out, refusing resets for longer. Not thread-safe: the charger holds its lock.
/// </summary>
public sealed class OutletInterlock
{
    private readonly string _device;
    private readonly int _outlet;
    private readonly SafetyOptions _options;
    private readonly LatchStore _store;
    private TimeSpan? _lastTrip;
    private TimeSpan? _lockedOutUntil;

    /// <summary>Restores the outlet's latch from <paramref name="store"/>, if it was latched before.</summary>
    public OutletInterlock(string device, int outlet, SafetyOptions options, LatchStore store, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(store);
        _device = device;
        _outlet = outlet;
        _options = options;
        _store = store;
        if (store.Get(device, outlet) is { } latch)
        {
            Reason = latch.Reason;
            _lockedOutUntil = latch.LockoutSeconds > 0 ? now + TimeSpan.FromSeconds(latch.LockoutSeconds) : null;
        }
    }

    /// <summary>Why the outlet is latched, or null when it is free.</summary>
    public string? Reason { get; private set; }

    /// <summary>Whether the outlet is latched off.</summary>
    public bool Latched => Reason is not null;

    /// <summary>Latches the outlet; returns true when this trip also locks it out (a repeat within the window).</summary>
    public bool Trip(string reason, TimeSpan now)
    {
        var repeat = _lastTrip is { } last && now - last <= TimeSpan.FromMinutes(_options.RepeatWindowMinutes);
        _lastTrip = now;
        Reason = reason;
        if (repeat)
        {
            _lockedOutUntil = now + TimeSpan.FromMinutes(_options.LockoutMinutes);
        }

        Save(now);
        return repeat;
    }

    /// <summary>Why a reset must be refused now, or null when it may go ahead.</summary>
    public string? ResetProblem(string? person, string? reason, TimeSpan now)
    {
        if (string.IsNullOrWhiteSpace(person) || string.IsNullOrWhiteSpace(reason))
        {
            return "a reset must name the person responsible and give a reason";
        }

        if (!Latched)
        {
            return string.Create(CultureInfo.InvariantCulture, $"outlet {_outlet} is not latched");
        }

        if (_lockedOutUntil is { } until && now < until)
        {
            var left = until - now;
            return string.Create(CultureInfo.InvariantCulture, $"outlet {_outlet} is locked out after a repeated trip; resets are refused for another {(int)left.TotalMinutes} min {left.Seconds} s");
        }

        return null;
    }

    /// <summary>Releases the latch (the caller re-energises the relay).</summary>
    public void Reset()
    {
        Reason = null;
        _lockedOutUntil = null;
        _store.Set(_device, _outlet, null);
    }

    private void Save(TimeSpan now) =>
        _store.Set(_device, _outlet, new Latch(Reason!, _lockedOutUntil is { } until ? Math.Max(0, (until - now).TotalSeconds) : 0));
}
