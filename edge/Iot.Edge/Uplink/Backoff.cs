namespace Iot.Edge.Uplink;

/// <summary>
/// Reconnect delays: doubling from the minimum to the maximum, each drawn between half and all of its step,
/// so that a street's worth of agents do not all hit the broker in the same second after it comes back.
/// </summary>
public sealed class Backoff(TimeSpan min, TimeSpan max, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _failures;

    /// <summary>The delay before the next attempt, and counts this failure.</summary>
    public TimeSpan Next()
    {
        var step = min.TotalSeconds * Math.Pow(2, Math.Min(_failures, 30));
        _failures++;
        var ceiling = Math.Min(step, max.TotalSeconds);
        return TimeSpan.FromSeconds(ceiling * (0.5 + (_random.NextDouble() * 0.5)));
    }

    /// <summary>Back to the minimum after a success.</summary>
    public void Reset() => _failures = 0;
}
