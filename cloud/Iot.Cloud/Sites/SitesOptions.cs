using Iot.Cloud.Operations;
using Microsoft.Extensions.Options;
namespace Iot.Cloud.Sites;

/// <summary>Where the site manifests are and how often they are checked for changes (section <c>Sites</c>).</summary>
public sealed class SitesOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Sites";

    /// <summary>The site folder: <c>site.json</c> and <c>communities/*.json</c>.</summary>
    public string Folder { get; set; } = "firmware-config/sites/yongchang";

    /// <summary>How often the folder is checked for changes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Checks the sites' settings (each problem names its key).</summary>
public sealed class SitesOptionsValidator : IValidateOptions<SitesOptions>
{
    public ValidateOptionsResult Validate(string? name, SitesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingProblems(SitesOptions.Section)
            .Require(!string.IsNullOrWhiteSpace(options.Folder), nameof(options.Folder), "is empty")
            .Require(string.IsNullOrWhiteSpace(options.Folder) || Directory.Exists(options.Folder), nameof(options.Folder), $"does not exist: '{options.Folder}' (the folder with site.json and communities/)")
            .Require(options.PollInterval >= TimeSpan.FromSeconds(1), nameof(options.PollInterval), $"is {options.PollInterval}; it must be at least 1 second")
            .Result;
    }
}
