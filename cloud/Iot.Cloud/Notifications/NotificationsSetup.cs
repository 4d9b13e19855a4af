using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Notifications.Channels;
using Iot.Cloud.Notifications.Settings;
using Microsoft.AspNetCore.DataProtection;
using Iot.Cloud.WorkOrders;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Iot.Cloud.Notifications;

/// <summary>Wires the live feed and the outbound channels.</summary>
public static class NotificationsSetup
{
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        builder.Services.AddHttpClient(WebhookDispatcher.Client, c => c.Timeout = Timeout.InfiniteTimeSpan).AddResilienceHandler("notifications", (pipeline, context) =>
        {
            var o = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;

            // Network time is real time, even where the cloud's clock is a fake one in tests.
            pipeline.TimeProvider = TimeProvider.System;
            if (o.QuickRetries > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = o.QuickRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromSeconds(1),
                    ShouldRetryAfterHeader = true,
                });
            }

            pipeline.AddTimeout(o.Timeout);
        });
        builder.Services.AddSingleton<IChannelSender, WebhookSender>();
        builder.Services.AddSingleton<IChannelSender, WeComSender>();
        builder.Services.AddSingleton<IChannelSender, DingTalkSender>();
        builder.Services.AddSingleton<IChannelSender, AliyunSmsSender>();
        builder.Services.AddDataProtection();
        builder.Services.AddSingleton<ChannelDirectory>();
        builder.Services.AddScoped<ChannelEditor>();
        builder.Services.AddSingleton(sp => sp.GetService<InstanceBus>() is { } bus ? new LiveFeed(bus) : new LiveFeed());
        builder.Services.AddSingleton<ChangeNotifier>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        builder.Services.AddSingleton<NotificationStage>();
        builder.Services.AddSingleton<IHandles<AlertsChanged>>(sp => sp.GetRequiredService<NotificationStage>());
        builder.Services.AddSingleton<IHandles<OrdersChanged>>(sp => sp.GetRequiredService<NotificationStage>());
        return builder;
    }
}
