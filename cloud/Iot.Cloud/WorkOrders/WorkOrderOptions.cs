using Iot.Cloud.Kernel;
using Iot.Cloud.Operations;
using Iot.Protocol.Sites;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.WorkOrders;

/// <summary>When alerts become work orders, the default service levels, and how faults are followed up (section <c>WorkOrders</c>).</summary>
public sealed class WorkOrderOptions
{
    public const string Section = "WorkOrders";

    /// <summary>
    /// How long an alert of each severity must stay raised before it becomes a work order (zero: at once). A severity
    /// left out never makes one (warnings, by default).
    /// </summary>
    public Dictionary<Severity, TimeSpan> CreateAfter { get; set; } = new()
    {
        [Severity.Critical] = TimeSpan.Zero,
        [Severity.Major] = TimeSpan.FromMinutes(10),
        [Severity.Minor] = TimeSpan.FromHours(1),
    };

    /// <summary>Service levels for parties whose contract names none (owning units, residents' committees).</summary>
    public Dictionary<Severity, ServiceLevel> DefaultServiceLevels { get; set; } = new()
    {
        [Severity.Critical] = new(60, 480),
        [Severity.Major] = new(240, 2880),
        [Severity.Minor] = new(1440, 10080),
        [Severity.Warning] = new(2880, 20160),
    };

    /// <summary>A fault that comes back within this long after its order closed reopens the order.</summary>
    public TimeSpan ReopenWithin { get; set; } = TimeSpan.FromDays(7);

    /// <summary>After a repair, how long the fault must stay gone before telemetry counts as verification.</summary>
    public TimeSpan VerifyQuiet { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Checks the work orders' settings (each problem names its key).</summary>
public sealed class WorkOrderOptionsValidator : IValidateOptions<WorkOrderOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkOrderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingProblems(WorkOrderOptions.Section)
            .Require(options.CreateAfter.Values.All(t => t >= TimeSpan.Zero), nameof(options.CreateAfter), "has a negative delay")
            .Require(Enum.GetValues<Severity>().All(options.DefaultServiceLevels.ContainsKey), nameof(options.DefaultServiceLevels), "needs a level for every severity (critical, major, minor, warning)")
            .Require(options.DefaultServiceLevels.Values.All(l => l.AckMinutes > 0 && l.FixMinutes >= l.AckMinutes), nameof(options.DefaultServiceLevels), "has a level whose ackMinutes is not positive or comes after its fixMinutes")
            .Require(options.ReopenWithin >= TimeSpan.Zero, nameof(options.ReopenWithin), $"is {options.ReopenWithin}; it must not be negative")
            .Require(options.VerifyQuiet >= TimeSpan.Zero, nameof(options.VerifyQuiet), $"is {options.VerifyQuiet}; it must not be negative")
            .Result;
    }
}
