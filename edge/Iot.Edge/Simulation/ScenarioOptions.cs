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

    /// <summary>
    /// Plays a fault while someone watches (./run.sh turns this on): the first after <see cref="DemoFirstFaultSeconds"/>,
    /// then one every <see cref="DemoIntervalMinutes"/>, in turn a gate forced, a charger outlet overheating, a storm raising
    /// a drain and a lamp dark at night (<see cref="DemoScenario"/>). Off for real deployments and for tests that need quiet.
    /// </summary>
    public bool Demo { get; set; }

    /// <summary>Seconds from the fleet's start to the demo's first fault.</summary>
    public int DemoFirstFaultSeconds { get; set; } = 60;

    /// <summary>Minutes between the demo's faults.</summary>
    public double DemoIntervalMinutes { get; set; } = 4;

    /// <summary>
    /// Only the courtyards these parties answer for get the demo's faults (empty: every courtyard). ./run.sh names the
    /// parties the cloud has demo staff for, so every fault is seen through to a taken order.
    /// </summary>
    public string[] DemoParties { get; set; } = [];

    /// <summary>
    /// Days of history an agent starting on an empty data folder writes into its outbox before it connects (0: none):
    /// the readings and faults of those days, which it then replays to the cloud as any backlog
    /// (<see cref="History.HistoryWriter"/>). ./run.sh asks for 7; an agent with an outbox already starts as it is.
    /// </summary>
    public double HistoryDays { get; set; }
}

/// <summary>Refuses simulation settings that make no sense, naming the setting.</summary>
public sealed class ScenarioOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ScenarioOptions>
{
    /// <inheritdoc />
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ScenarioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!(double.IsFinite(options.FaultRate) && options.FaultRate is >= 0 and <= 1000))
        {
            problems.Add($"Simulation:FaultRate is {options.FaultRate}; it must be 0 to 1000");
        }

        if (options.DemoFirstFaultSeconds is < 0 or > 3600)
        {
            problems.Add($"Simulation:DemoFirstFaultSeconds is {options.DemoFirstFaultSeconds}; it must be 0 to 3600");
        }

        if (!(double.IsFinite(options.DemoIntervalMinutes) && options.DemoIntervalMinutes is >= 0.5 and <= 1440))
        {
            problems.Add($"Simulation:DemoIntervalMinutes is {options.DemoIntervalMinutes}; it must be 0.5 to 1440");
        }

        if (!(double.IsFinite(options.HistoryDays) && options.HistoryDays is >= 0 and <= 14))
        {
            problems.Add($"Simulation:HistoryDays is {options.HistoryDays}; it must be 0 to 14");
        }

        if (options.HistoryDays > 0 && options.Scripted)
        {
            problems.Add("Simulation:HistoryDays needs a running world; it cannot be more than 0 with Simulation:Scripted");
        }

        if (options.Demo && options.Scripted)
        {
            problems.Add("Simulation:Demo needs a running world; it cannot be on with Simulation:Scripted");
        }

        return problems.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);
    }
}
