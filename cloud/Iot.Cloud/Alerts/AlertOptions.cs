using System.ComponentModel.DataAnnotations;

namespace Iot.Cloud.Alerts;

/// <summary>Alert lifecycle settings (section <c>Alerts</c>).</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>Raises and clears within <see cref="FlapWindow"/> above which an alert counts as flapping.</summary>
    [Range(2, 1000)]
    public int FlapThreshold { get; set; } = 6;

    /// <summary>The window for counting flaps; a flapping alert settles after this long without one.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan FlapWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A cleared alert without an open work order closes by itself after this long.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan AutoCloseAfter { get; set; } = TimeSpan.FromHours(24);
}
