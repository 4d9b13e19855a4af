using Iot.Cloud.Demo.History;
using Iot.Cloud.Ingest;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Demo;

/// <summary>Wires the demo staff (off unless <c>Demo:Staff=true</c>) and the history clock (off unless <c>Demo:HistoryDays</c> is set).</summary>
public static class DemoSetup
{
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DemoStaffOptions>().BindConfiguration(DemoStaffOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DemoStaffOptions>, DemoStaffOptionsValidator>();
        builder.Services.AddSingleton<DemoStaff>();
        builder.Services.AddSingleton<DemoResidents>();
        builder.Services.AddHostedService<DemoStaffService>();

        // The clock is chosen before the container is built, so the setting is read here (and validated with the rest).
        var history = builder.Configuration.GetSection(DemoStaffOptions.Section).GetValue<double>(nameof(DemoStaffOptions.HistoryDays));
        if (history is > 0 and <= 14)
        {
            builder.Services.AddSingleton(_ => new HistoryClock(TimeProvider.System, TimeSpan.FromDays(history), TimeSpan.FromMilliseconds(100)));
            builder.Services.Drop(d => d.ServiceType == typeof(TimeProvider) && !d.IsKeyedService);
            builder.Services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<HistoryClock>());
            builder.Services.AddSingleton<HistoryReplay>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<HistoryReplay>());
            builder.Services.Drop(d => d.ServiceType == typeof(IStoredBatches));
            builder.Services.AddSingleton<IStoredBatches>(sp => sp.GetRequiredService<HistoryReplay>());

            // Sign-in sessions last on the wall clock: one opened during the replay would otherwise expire as the clock joins it.
            builder.Services.PostConfigureAll<CookieAuthenticationOptions>(cookie => cookie.TimeProvider = TimeProvider.System);
        }

        return builder;
    }

    private static void Drop(this IServiceCollection services, Func<ServiceDescriptor, bool> which)
    {
        foreach (var descriptor in services.Where(which).ToList())
        {
            services.Remove(descriptor);
        }
    }
}
