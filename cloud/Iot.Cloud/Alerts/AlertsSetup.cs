using Iot.Cloud.Data;
using Iot.Cloud.Rules;

namespace Iot.Cloud.Alerts;

/// <summary>Wires alerts.</summary>
public static class AlertsSetup
{
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<AlertOptions>, AlertOptionsValidator>();
        builder.Services.AddSingleton<AlertService>();
        builder.Services.AddSingleton<IHandles<RulesEvaluated>, AlertStage>();
        return builder;
    }
}
