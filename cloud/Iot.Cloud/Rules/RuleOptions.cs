using System.ComponentModel.DataAnnotations;

namespace Iot.Cloud.Rules;

/// <summary>How often rules look at the clock (section <c>Rules</c>).</summary>
public sealed class RuleOptions
{
    public const string Section = "Rules";

    /// <summary>How often durations, offline grace periods, stale sensors and work-order deadlines are checked.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(5);
}
