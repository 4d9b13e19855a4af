namespace Iot.Cloud.Patrols;

/// <summary>Wires block patrols.</summary>
public static class PatrolsSetup
{
    public static IHostApplicationBuilder AddPatrols(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<PatrolService>();
        builder.Services.AddSingleton<PatrolRecord>();
        builder.Services.AddHostedService<DemoPlans>();
        return builder;
    }
}
