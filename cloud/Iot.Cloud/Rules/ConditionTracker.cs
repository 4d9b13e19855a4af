namespace Iot.Cloud.Rules;

/// <summary>What an observation says about a rule's condition.</summary>
public enum Condition
{
    /// <summary>Nothing known (no observation yet, or the last one is too old to trust).</summary>
    Unknown,

    /// <summary>The raise condition holds (e.g. above the raise threshold).</summary>
    Raise,

    /// <summary>Between the thresholds: neither raises nor clears (hysteresis band).</summary>
    Band,

    /// <summary>The clear condition holds (e.g. below the clear threshold).</summary>
    Clear,
}

/// <summary>Where a rule stands for one subject.</summary>
public enum Phase
{
    /// <summary>Not raised.</summary>
    Normal,

    /// <summary>The raise condition holds, but not yet for long enough.</summary>
    Raising,

    /// <summary>Raised: an alert is open.</summary>
    Raised,

    /// <summary>Raised, and the clear condition holds, but not yet for long enough.</summary>
    Clearing,
}

/// <summary>The persisted state of one rule for one subject.</summary>
/// <param name="Phase">Where the rule stands.</param>
/// <param name="Since">When the current phase began.</param>
/// <param name="Last">The condition of the last observation.</param>
/// <param name="LastAt">When that observation was made.</param>
/// <param name="LastValue">The value behind it, for the alert.</param>
public sealed record ConditionState(Phase Phase, DateTimeOffset Since, Condition Last, DateTimeOffset LastAt, double? LastValue)
{
    /// <summary>The state of a rule that has seen nothing.</summary>
    public static readonly ConditionState Initial = new(Phase.Normal, DateTimeOffset.MinValue, Condition.Unknown, DateTimeOffset.MinValue, null);
}

/// <summary>A rule's verdict changing: raise the alert, or clear it.</summary>
/// <param name="Raised">True for raise, false for clear.</param>
/// <param name="At">When the condition was met for long enough.</param>
/// <param name="Value">The observed value, if any.</param>
public sealed record Transition(bool Raised, DateTimeOffset At, double? Value);

/// <summary>
/// The state machine behind every rule: raise when the raise condition has held for <c>raiseFor</c>, clear when the
/// clear condition has held for <c>clearFor</c>; a value between the two thresholds neither raises nor clears, so
/// a value wobbling around one threshold cannot make the alert flap. Observations out of order (older than the last)
/// are ignored. Pure: time comes in with each observation.
/// </summary>
public static class ConditionTracker
{
    /// <summary>Applies an observation and returns the new state and the transition it caused, if any.</summary>
    public static (ConditionState State, Transition? Transition) Observe(ConditionState state, Condition condition, DateTimeOffset at, double? value, TimeSpan raiseFor, TimeSpan clearFor)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (at < state.LastAt)
        {
            return (state, null);
        }

        var next = state with { Last = condition, LastAt = at, LastValue = value ?? state.LastValue };
        switch (state.Phase, condition)
        {
            case (Phase.Normal, Condition.Raise):
                return raiseFor <= TimeSpan.Zero
                    ? (next with { Phase = Phase.Raised, Since = at }, new Transition(true, at, value))
                    : (next with { Phase = Phase.Raising, Since = at }, null);
            case (Phase.Raising, Condition.Raise) when at - state.Since >= raiseFor:
                return (next with { Phase = Phase.Raised, Since = at }, new Transition(true, at, value));
            case (Phase.Raising, Condition.Band or Condition.Clear):
                return (next with { Phase = Phase.Normal, Since = at }, null);
            case (Phase.Raised, Condition.Clear):
                return clearFor <= TimeSpan.Zero
                    ? (next with { Phase = Phase.Normal, Since = at }, new Transition(false, at, value))
                    : (next with { Phase = Phase.Clearing, Since = at }, null);
            case (Phase.Clearing, Condition.Clear) when at - state.Since >= clearFor:
                return (next with { Phase = Phase.Normal, Since = at }, new Transition(false, at, value));
            case (Phase.Clearing, Condition.Band or Condition.Raise):
                return (next with { Phase = Phase.Raised, Since = state.Since }, null);
            default:
                return (next, null);
        }
    }

    /// <summary>
    /// Lets time pass without a new observation: the last condition is taken to still hold if it was observed
    /// within <paramref name="trustFor"/>; an older one is unknown, and nothing changes.
    /// </summary>
    public static (ConditionState State, Transition? Transition) Tick(ConditionState state, DateTimeOffset now, TimeSpan raiseFor, TimeSpan clearFor, TimeSpan trustFor)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Phase is not (Phase.Raising or Phase.Clearing) || state.Last == Condition.Unknown || now - state.LastAt > trustFor || now <= state.LastAt)
        {
            return (state, null);
        }

        var (next, transition) = Observe(state, state.Last, now, state.LastValue, raiseFor, clearFor);

        // A tick is not an observation: keep the time of the last real one, so trust still runs out.
        return (next with { LastAt = state.LastAt }, transition);
    }
}
