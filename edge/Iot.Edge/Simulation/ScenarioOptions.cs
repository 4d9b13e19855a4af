namespace Iot.Edge.Simulation;

/// <summary>How the simulated courtyards behave (section <c>Simulation</c>).</summary>
public sealed class ScenarioOptions
{
    /// <summary>
    /// When true nothing happens by itself (no residents, no rain, no faults): a test sets every physical value
    /// and the chips report exactly that. When false the world runs: day and night, traffic, storms, failures.
    /// </summary>
    public bool Scripted { get; set; }

    /// <summary>Seed of the random world, so a demo can be replayed.</summary>
    public int Seed { get; set; } = 20200501;

    /// <summary>Multiplies the rate of faults (lamp failures, forced gates, overheating batteries) for livelier demos.</summary>
    public double FaultRate { get; set; } = 1;
}
