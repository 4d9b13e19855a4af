using Iot.Cloud.Operations;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Rules;

/// <summary>How often rules look at the clock (section <c>Rules</c>).</summary>
public sealed class RuleOptions
{
    public const string Section = "Rules";

    /// <summary>How often durations, offline grace periods, stale sensors and work-order deadlines are checked.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Checks the rules' settings (each problem names its key).</summary>
public sealed class RuleOptionsValidator : IValidateOptions<RuleOptions>
{
    public ValidateOptionsResult Validate(string? name, RuleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingProblems(RuleOptions.Section)
            .Within(nameof(options.TickInterval), options.TickInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10))
            .Result;
    }
}
