namespace Iot.Cloud.Sites;

/// <summary>Wires the site registry and its sync from the manifest folder.</summary>
public static class SitesSetup
{
    public static IHostApplicationBuilder AddSites(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SitesOptions>().BindConfiguration(SitesOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Folder), "Sites:Folder is empty")
            .Validate(o => Directory.Exists(o.Folder), "Sites:Folder does not exist (the folder with site.json and communities/)")
            .Validate(o => o.PollInterval >= TimeSpan.FromSeconds(1), "Sites:PollInterval must be at least 1 second")
            .ValidateOnStart();
        builder.Services.AddSingleton<SiteRegistry>();
        builder.Services.AddSingleton<Auth.ICurrentSite>(sp => sp.GetRequiredService<SiteRegistry>());
        builder.Services.AddSingleton<SiteSync>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SiteSync>());
        return builder;
    }
}
