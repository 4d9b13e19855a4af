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
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .Validate(o => o.Parties.Values.All(u => u.IsAbsoluteUri && u.Scheme is "http" or "https"), "Webhooks:Parties: every address must be an absolute http(s) URL")
            .Validate(o => o.MaxAttempts is >= 1 and <= 100, "Webhooks:MaxAttempts must be between 1 and 100")
            .Validate(o => o.FirstRetryAfter > TimeSpan.Zero && o.Timeout > TimeSpan.Zero, "Webhooks:FirstRetryAfter and Timeout must be positive")
            .ValidateOnStart();
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
