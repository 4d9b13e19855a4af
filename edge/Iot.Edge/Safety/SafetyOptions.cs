using Microsoft.Extensions.Options;

namespace Iot.Edge.Safety;

/// <summary>The charger interlocks (section <c>Safety</c>).</summary>
public sealed class SafetyOptions
{
    /// <summary>How often chargers are read for the interlocks, whatever the telemetry interval, ms.</summary>
    public int PollMilliseconds { get; set; } = 500;

    /// <summary>A second trip of the same outlet within this window locks it out, minutes.</summary>
    public double RepeatWindowMinutes { get; set; } = 30;

    /// <summary>How long a locked-out outlet refuses resets, minutes.</summary>
    public double LockoutMinutes { get; set; } = 120;

    /// <summary>Mains voltage of the charging outlets, for power and energy (the INA219 measures current only there), V.</summary>
    public double OutletVolts { get; set; } = 220;
}

/// <summary>Refuses interlock settings that would make the interlocks slow or meaningless.</summary>
public sealed class SafetyOptionsValidator : IValidateOptions<SafetyOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SafetyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PollMilliseconds is < 50 or > 1000)
        {
            failures.Add($"Safety:PollMilliseconds is {options.PollMilliseconds}; it must be 50 to 1000 so that a cut-off comes within a second");
        }

        if (!double.IsFinite(options.RepeatWindowMinutes) || options.RepeatWindowMinutes < 0)
        {
            failures.Add($"Safety:RepeatWindowMinutes is {options.RepeatWindowMinutes}; it must be 0 or more");
        }

        if (!double.IsFinite(options.LockoutMinutes) || options.LockoutMinutes < 0)
        {
            failures.Add($"Safety:LockoutMinutes is {options.LockoutMinutes}; it must be 0 or more");
        }

        if (options.OutletVolts is <= 0 or > 500)
        {
            failures.Add($"Safety:OutletVolts is {options.OutletVolts}; it must be above 0 and at most 500");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
