using Microsoft.Extensions.Options;

namespace Iot.Cloud.Demo;

/// <summary>The demo staff (section <c>Demo</c>, beside the demo accounts); only ./run.sh turns it on.</summary>
public sealed class DemoStaffOptions
{
    public const string Section = "Demo";

    /// <summary>
    /// A demo staff member of each party works its new orders from alerts, as a person would from the console, and
    /// the pages show a "演示数据 / Demo data" banner. Needs <c>Demo:SeedAccounts</c>: the staff are those accounts.
    /// </summary>
    public bool Staff { get; set; }

    /// <summary>The quickest a demo staff member takes a new order, seconds after it was opened.</summary>
    public int AcknowledgeMinSeconds { get; set; } = 20;

    /// <summary>The slowest, seconds; each order gets its own delay in between.</summary>
    public int AcknowledgeMaxSeconds { get; set; } = 60;

    /// <summary>Minutes from taking an order to reporting it fixed (for the orders that are fixed).</summary>
    public double FixAfterMinutes { get; set; } = 2;

    /// <summary>One order in this many taken is reported fixed; the rest stay in progress for a person to try.</summary>
    public int FixOneIn { get; set; } = 2;

    /// <summary>
    /// Days of history the first start replays (0: none; ./run.sh sets 7 on an empty data folder, beside the fleet's
    /// <c>Simulation:HistoryDays</c>). Business time then starts that many days back and follows the agents' replay
    /// (<see cref="History.HistoryClock"/>) until it catches up with the wall clock. Refused in Production.
    /// </summary>
    public double HistoryDays { get; set; }

    /// <summary>Seconds the history clock waits for every agent to start its replay before following those that did.</summary>
    public int HistoryWaitSeconds { get; set; } = 30;

    /// <summary>Seconds after which the history clock joins the wall clock, whether or not every replay has caught up.</summary>
    public int HistoryMaxSeconds { get; set; } = 300;

    /// <summary>In the replayed week, the quickest a demo staff member takes an order, minutes after it was opened.</summary>
    public int HistoryAcknowledgeMinMinutes { get; set; } = 4;

    /// <summary>The slowest, minutes: past a critical order's 30 minutes, so some are late and escalated.</summary>
    public int HistoryAcknowledgeMaxMinutes { get; set; } = 55;

    /// <summary>In the replayed week, hours from taking an order to reporting it fixed (each order its own, up to this).</summary>
    public double HistoryFixMaxHours { get; set; } = 6;

    /// <summary>
    /// The replayed week's clock moves at most this many minutes at a time, each step worked by the staff and the rules
    /// before the next: an order opens within a step of its alert, and what happens a day later comes after it.
    /// </summary>
    public double HistoryStepMinutes { get; set; } = 30;
}

/// <summary>Refuses demo staff settings that make no sense, naming the setting.</summary>
public sealed class DemoStaffOptionsValidator(IHostEnvironment environment) : IValidateOptions<DemoStaffOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoStaffOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.Staff && environment.IsProduction())
        {
            problems.Add("Demo:Staff must be false in Production: demo staff would work real orders");
        }

        if (options.AcknowledgeMinSeconds < 0 || options.AcknowledgeMaxSeconds < options.AcknowledgeMinSeconds)
        {
            problems.Add($"Demo:AcknowledgeMinSeconds ({options.AcknowledgeMinSeconds}) and Demo:AcknowledgeMaxSeconds ({options.AcknowledgeMaxSeconds}) must be 0 ≤ min ≤ max");
        }

        if (!double.IsFinite(options.FixAfterMinutes) || options.FixAfterMinutes < 0)
        {
            problems.Add($"Demo:FixAfterMinutes is {options.FixAfterMinutes}; it must be 0 or more");
        }

        if (options.HistoryDays > 0 && environment.IsProduction())
        {
            problems.Add("Demo:HistoryDays must be 0 in Production: business time would run a week behind");
        }

        if (!(double.IsFinite(options.HistoryDays) && options.HistoryDays is >= 0 and <= 14))
        {
            problems.Add($"Demo:HistoryDays is {options.HistoryDays}; it must be 0 to 14");
        }

        if (options.HistoryWaitSeconds < 0 || options.HistoryMaxSeconds < options.HistoryWaitSeconds)
        {
            problems.Add($"Demo:HistoryWaitSeconds ({options.HistoryWaitSeconds}) and Demo:HistoryMaxSeconds ({options.HistoryMaxSeconds}) must be 0 ≤ wait ≤ max");
        }

        if (options.HistoryAcknowledgeMinMinutes < 0 || options.HistoryAcknowledgeMaxMinutes < options.HistoryAcknowledgeMinMinutes)
        {
            problems.Add($"Demo:HistoryAcknowledgeMinMinutes ({options.HistoryAcknowledgeMinMinutes}) and Demo:HistoryAcknowledgeMaxMinutes ({options.HistoryAcknowledgeMaxMinutes}) must be 0 ≤ min ≤ max");
        }

        if (!(double.IsFinite(options.HistoryStepMinutes) && options.HistoryStepMinutes is > 0 and <= 60))
        {
            problems.Add($"Demo:HistoryStepMinutes is {options.HistoryStepMinutes}; it must be more than 0 and at most 60");
        }

        if (!(double.IsFinite(options.HistoryFixMaxHours) && options.HistoryFixMaxHours > 0))
        {
            problems.Add($"Demo:HistoryFixMaxHours is {options.HistoryFixMaxHours}; it must be more than 0");
        }

        if (options.FixOneIn < 1)
        {
            problems.Add($"Demo:FixOneIn is {options.FixOneIn}; it must be 1 or more");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
