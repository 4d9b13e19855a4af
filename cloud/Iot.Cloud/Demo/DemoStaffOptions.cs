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

        if (options.FixOneIn < 1)
        {
            problems.Add($"Demo:FixOneIn is {options.FixOneIn}; it must be 1 or more");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
