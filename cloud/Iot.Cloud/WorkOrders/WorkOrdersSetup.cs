using Iot.Cloud.Alerts;
using Iot.Cloud.Data;

namespace Iot.Cloud.WorkOrders;

/// <summary>Wires work orders.</summary>
public static class WorkOrdersSetup
{
    public static IHostApplicationBuilder AddWorkOrders(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WorkOrderOptions>().BindConfiguration(WorkOrderOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<WorkOrderOptions>, WorkOrderOptionsValidator>();
        builder.Services.AddSingleton<WorkOrderService>();
        builder.Services.AddSingleton<RepairEvidence>();
        builder.Services.AddSingleton<IHandles<AlertsChanged>, WorkOrderStage>();
        return builder;
    }
}
