using Iot.Protocol.Identifiers;

namespace Iot.Edge.Simulation;

/// <summary>
/// A courtyard gate with a reed switch and an electric lock's feedback contact. Residents pass through
/// (unlock, open, close, relock), some leave it open, and now and then someone forces it.
/// </summary>
public sealed class GateModel : DeviceModel
{
    private readonly int _reedPin;
    private readonly bool _reedActiveLow;
    private readonly int? _lockPin;
    private readonly bool _lockActiveLow;
    private readonly SortedList<DateTimeOffset, Action> _plan = new(DuplicateKeys.Instance);

    /// <summary>Creates the gate closed and locked.</summary>
    public GateModel(DeviceId id, SimulatedGpioDriver pins, int reedPin, bool reedActiveLow, int? lockPin, bool lockActiveLow)
        : base(id, pins)
    {
        _reedPin = reedPin;
        _reedActiveLow = reedActiveLow;
        _lockPin = lockPin;
        _lockActiveLow = lockActiveLow;
        Apply();
    }

    /// <summary>Whether the gate stands open.</summary>
    public bool IsOpen { get; private set; }

    /// <summary>Whether the lock reports locked.</summary>
    public bool IsLocked { get; private set; } = true;

    /// <summary>Opens the gate (with or without unlocking first: opening a locked gate is forcing it).</summary>
    public void Open()
    {
        IsOpen = true;
        Apply();
    }

    /// <summary>Closes the gate.</summary>
    public void Close()
    {
        IsOpen = false;
        Apply();
    }

    /// <summary>Releases the lock (a resident's card).</summary>
    public void Unlock()
    {
        IsLocked = false;
        Apply();
    }

    /// <summary>Engages the lock.</summary>
    public void Lock()
    {
        IsLocked = true;
        Apply();
    }

    /// <summary>
    /// Someone forces the gate at <paramref name="now"/>: it is shut and locked first (a resident's passing is
    /// cut short), opened without unlocking a second later, and shut again at <paramref name="until"/>.
    /// </summary>
    public void Force(DateTimeOffset now, DateTimeOffset until)
    {
        _plan.Clear();
        Close();
        Lock();
        _plan.Add(now + TimeSpan.FromSeconds(1), Open);
        _plan.Add(until, Close);
    }

    /// <inheritdoc />
    public override void Advance(DateTimeOffset now, TimeSpan elapsed, WorldContext? world)
    {
        while (_plan.Count > 0 && _plan.Keys[0] <= now)
        {
            var action = _plan.Values[0];
            _plan.RemoveAt(0);
            action();
        }

        if (world is null || _plan.Count > 0)
        {
            return;
        }

        var hour = now.ToOffset(TimeSpan.FromHours(8)).Hour;
        var perHour = hour switch { >= 7 and < 9 or >= 17 and < 20 => 30.0, >= 6 and < 23 => 6.0, _ => 0.5 };
        if (world.Chance(perHour, elapsed))
        {
            var hold = TimeSpan.FromSeconds(world.Random.Next(4, 16));
            if (world.Random.NextDouble() < 0.01)
            {
                hold = TimeSpan.FromMinutes(world.Random.Next(3, 11)); // propped open with a brick
            }

            _plan.Add(now, Unlock);
            _plan.Add(now + TimeSpan.FromSeconds(1), Open);
            _plan.Add(now + TimeSpan.FromSeconds(1) + hold, Close);
            _plan.Add(now + TimeSpan.FromSeconds(3) + hold, Lock);
        }
        else if (world.Chance(world.FaultRate / (24 * 20.0), elapsed))
        {
            _plan.Add(now, Open); // forced while locked
            _plan.Add(now + TimeSpan.FromSeconds(world.Random.Next(10, 40)), Close);
        }
    }

    private void Apply()
    {
        Pins.SetInput(_reedPin, Level(IsOpen, _reedActiveLow));
        if (_lockPin is { } lockPin)
        {
            Pins.SetInput(lockPin, Level(IsLocked, _lockActiveLow));
        }
    }

    private sealed class DuplicateKeys : IComparer<DateTimeOffset>
    {
        public static readonly DuplicateKeys Instance = new();

        public int Compare(DateTimeOffset x, DateTimeOffset y) => x <= y ? -1 : 1;
    }
}
