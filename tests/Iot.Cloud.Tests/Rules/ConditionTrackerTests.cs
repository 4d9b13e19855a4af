using Iot.Cloud.Rules;

namespace Iot.Cloud.Tests.Rules;

public class ConditionTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 20, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan RaiseFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ClearFor = TimeSpan.FromSeconds(60);

    // Feeds (seconds after T0, condition) and returns every transition.
    private static (ConditionState State, List<Transition> Transitions) Run(params (int Seconds, Condition Condition)[] steps)
    {
        var state = ConditionState.Initial;
        var transitions = new List<Transition>();
        foreach (var (seconds, condition) in steps)
        {
            (state, var t) = ConditionTracker.Observe(state, condition, T0.AddSeconds(seconds), seconds, RaiseFor, ClearFor);
            if (t is not null)
            {
                transitions.Add(t);
            }
        }

        return (state, transitions);
    }

    [Fact]
    public void A_condition_shorter_than_its_minimum_duration_raises_nothing()
    {
        var (state, transitions) = Run((0, Condition.Raise), (29, Condition.Raise), (30, Condition.Band));
        Assert.Empty(transitions);
        Assert.Equal(Phase.Normal, state.Phase);
    }

    [Fact]
    public void A_condition_held_exactly_its_minimum_duration_raises_at_that_moment()
    {
        var (state, transitions) = Run((0, Condition.Raise), (30, Condition.Raise));
        var raised = Assert.Single(transitions);
        Assert.True(raised.Raised);
        Assert.Equal(T0.AddSeconds(30), raised.At);
        Assert.Equal(Phase.Raised, state.Phase);
    }

    [Fact]
    public void Values_in_the_hysteresis_band_neither_raise_nor_clear()
    {
        var (state, transitions) = Run((0, Condition.Raise), (30, Condition.Raise), (40, Condition.Band), (200, Condition.Band));
        Assert.Single(transitions);
        Assert.Equal(Phase.Raised, state.Phase);
    }

    [Fact]
    public void Clearing_needs_the_clear_condition_for_its_own_duration_and_a_relapse_restarts_it()
    {
        var (state, transitions) = Run(
            (0, Condition.Raise), (30, Condition.Raise),
            (40, Condition.Clear), (90, Condition.Band),
            (100, Condition.Clear), (159, Condition.Clear), (160, Condition.Clear));
        Assert.Equal([true, false], transitions.Select(t => t.Raised));
        Assert.Equal(T0.AddSeconds(160), transitions[1].At);
        Assert.Equal(Phase.Normal, state.Phase);
    }

    [Fact]
    public void A_zero_duration_raises_and_clears_on_the_first_observation()
    {
        var state = ConditionState.Initial;
        (state, var raised) = ConditionTracker.Observe(state, Condition.Raise, T0, 70, TimeSpan.Zero, TimeSpan.Zero);
        (_, var cleared) = ConditionTracker.Observe(state, Condition.Clear, T0.AddSeconds(1), 40, TimeSpan.Zero, TimeSpan.Zero);
        Assert.True(raised!.Raised);
        Assert.False(cleared!.Raised);
    }

    [Fact]
    public void An_observation_older_than_the_last_is_ignored()
    {
        var (state, _) = Run((0, Condition.Raise), (30, Condition.Raise));
        var (after, transition) = ConditionTracker.Observe(state, Condition.Clear, T0.AddSeconds(10), 0, TimeSpan.Zero, TimeSpan.Zero);
        Assert.Null(transition);
        Assert.Equal(state, after);
    }

    [Fact]
    public void Time_passing_completes_a_raise_while_the_last_observation_is_trusted()
    {
        var (state, _) = Run((0, Condition.Raise));
        var (raised, transition) = ConditionTracker.Tick(state, T0.AddSeconds(31), RaiseFor, ClearFor, trustFor: TimeSpan.FromMinutes(1));
        Assert.NotNull(transition);
        Assert.Equal(Phase.Raised, raised.Phase);
    }

    [Fact]
    public void Time_passing_after_the_last_observation_is_stale_changes_nothing()
    {
        var (state, _) = Run((0, Condition.Raise));
        var (after, transition) = ConditionTracker.Tick(state, T0.AddMinutes(10), RaiseFor, ClearFor, trustFor: TimeSpan.FromMinutes(1));
        Assert.Null(transition);
        Assert.Equal(Phase.Raising, after.Phase);
    }
}
