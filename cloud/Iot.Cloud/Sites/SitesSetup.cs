namespace Iot.Cloud.Sites;

/// <summary>Wires the site registry and its sync from the manifest folder.</summary>
public static class SitesSetup
{
    public static IHostApplicationBuilder AddSites(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SitesOptions>().BindConfiguration(SitesOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<SitesOptions>, SitesOptionsValidator>();
        builder.Services.AddSingleton<SiteRegistry>();
        builder.Services.AddSingleton<Auth.ICurrentSite>(sp => sp.GetRequiredService<SiteRegistry>());
        builder.Services.AddSingleton<SiteSync>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SiteSync>());
        return builder;
    }
}
