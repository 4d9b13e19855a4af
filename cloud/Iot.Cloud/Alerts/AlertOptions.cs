using Iot.Cloud.Operations;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Alerts;

/// <summary>Alert lifecycle settings (section <c>Alerts</c>).</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>Raises and clears within <see cref="FlapWindow"/> above which an alert counts as flapping.</summary>
    public int FlapThreshold { get; set; } = 6;

    /// <summary>The window for counting flaps; a flapping alert settles after this long without one.</summary>
    public TimeSpan FlapWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A cleared alert without an open work order closes by itself after this long.</summary>
    public TimeSpan AutoCloseAfter { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>Checks the alerts' settings (each problem names its key).</summary>
public sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingProblems(AlertOptions.Section)
            .Within(nameof(options.FlapThreshold), options.FlapThreshold, 2, 1000)
            .Within(nameof(options.FlapWindow), options.FlapWindow, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1))
            .Within(nameof(options.AutoCloseAfter), options.AutoCloseAfter, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30))
            .Result;
    }
}
