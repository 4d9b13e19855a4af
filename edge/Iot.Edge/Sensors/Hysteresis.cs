using Iot.Protocol.Sites;

namespace Iot.Edge.Sensors;

/// <summary>What a threshold did with a new value.</summary>
public enum Crossing
{
    /// <summary>Nothing changed.</summary>
    None,

    /// <summary>The condition has now held for its minimum duration.</summary>
    Raised,

    /// <summary>The value is back past the clear level.</summary>
    Cleared,
}

/// <summary>
/// A manifest threshold with hysteresis and a minimum duration: raises once the value has stayed beyond the
/// raise level for <c>forSeconds</c>, clears once it passes the clear level, and never flaps in between.
/// </summary>
public sealed class Hysteresis(Threshold threshold)
{
    private TimeSpan? _since;

    /// <summary>Whether the condition is raised.</summary>
    public bool Active { get; private set; }

    /// <summary>Feeds a value observed at monotonic time <paramref name="now"/>.</summary>
    public Crossing Update(double value, TimeSpan now)
    {
        var high = threshold.Above is not null;
        var beyond = high ? value > threshold.Above : value < threshold.Below;
        var back = high ? value < (threshold.ClearBelow ?? threshold.Above) : value > (threshold.ClearAbove ?? threshold.Below);
        if (Active)
        {
            if (back)
            {
                Active = false;
                _since = null;
                return Crossing.Cleared;
            }

            return Crossing.None;
        }

        if (!beyond)
        {
            _since = null;
            return Crossing.None;
        }

        _since ??= now;
        if (now - _since.Value >= TimeSpan.FromSeconds(threshold.ForSeconds ?? 0))
        {
            Active = true;
            return Crossing.Raised;
        }

        return Crossing.None;
    }

    /// <summary>Forgets any pending or raised state (the condition can no longer be judged).</summary>
    public void Reset()
    {
        Active = false;
        _since = null;
    }
}
