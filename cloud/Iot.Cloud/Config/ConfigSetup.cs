namespace Iot.Cloud.Config;

/// <summary>Wires the publishing of desired configurations.</summary>
public static class ConfigSetup
{
    public static IHostApplicationBuilder AddDesiredConfig(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHostedService<DesiredConfigPublisher>();
        return builder;
    }
}
