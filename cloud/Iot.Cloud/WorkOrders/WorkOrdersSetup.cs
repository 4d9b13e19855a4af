using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;

namespace Iot.Cloud.WorkOrders;

/// <summary>Wires work orders.</summary>
public static class WorkOrdersSetup
{
    public static IHostApplicationBuilder AddWorkOrders(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WorkOrderOptions>().BindConfiguration(WorkOrderOptions.Section)
            .Validate(o => o.CreateAfter.Values.All(t => t >= TimeSpan.Zero), "WorkOrders:CreateAfter: delays must not be negative")
            .Validate(o => Enum.GetValues<Severity>().All(o.DefaultServiceLevels.ContainsKey), "WorkOrders:DefaultServiceLevels needs a level for every severity (critical, major, minor, warning)")
            .Validate(o => o.DefaultServiceLevels.Values.All(l => l.AckMinutes > 0 && l.FixMinutes >= l.AckMinutes), "WorkOrders:DefaultServiceLevels: ackMinutes must be positive and not after fixMinutes")
            .Validate(o => o.ReopenWithin >= TimeSpan.Zero && o.VerifyQuiet >= TimeSpan.Zero, "WorkOrders:ReopenWithin and VerifyQuiet must not be negative")
            .ValidateOnStart();
        builder.Services.AddSingleton<WorkOrderService>();
        builder.Services.AddSingleton<RepairEvidence>();
        builder.Services.AddSingleton<IHandles<AlertsChanged>, WorkOrderStage>();
        return builder;
    }
}
