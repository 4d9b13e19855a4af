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
