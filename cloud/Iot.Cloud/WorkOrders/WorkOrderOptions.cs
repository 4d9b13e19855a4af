using Iot.Cloud.Kernel;
using Iot.Protocol.Sites;

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
