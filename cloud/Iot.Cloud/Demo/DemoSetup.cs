using Microsoft.Extensions.Options;

namespace Iot.Cloud.Demo;

/// <summary>Wires the demo staff (off unless <c>Demo:Staff=true</c>).</summary>
public static class DemoSetup
{
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DemoStaffOptions>().BindConfiguration(DemoStaffOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DemoStaffOptions>, DemoStaffOptionsValidator>();
        builder.Services.AddSingleton<DemoStaff>();
        builder.Services.AddHostedService<DemoStaffService>();
        return builder;
    }
}
