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

/// <summary>Refuses simulation settings that make no sense, naming the setting.</summary>
public sealed class ScenarioOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ScenarioOptions>
{
    /// <inheritdoc />
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ScenarioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return double.IsFinite(options.FaultRate) && options.FaultRate is >= 0 and <= 1000
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail($"Simulation:FaultRate is {options.FaultRate}; it must be 0 to 1000");
    }
}
