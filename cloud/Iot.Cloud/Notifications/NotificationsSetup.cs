using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.WorkOrders;

namespace Iot.Cloud.Notifications;

/// <summary>Wires the live feed and the webhooks.</summary>
public static class NotificationsSetup
{
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<LiveFeed>();
        builder.Services.AddSingleton<ChangeNotifier>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        builder.Services.AddSingleton<NotificationStage>();
        builder.Services.AddSingleton<IHandles<AlertsChanged>>(sp => sp.GetRequiredService<NotificationStage>());
        builder.Services.AddSingleton<IHandles<OrdersChanged>>(sp => sp.GetRequiredService<NotificationStage>());
        return builder;
    }
}
