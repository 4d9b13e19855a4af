using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Broker;

/// <summary>Wires the broker: the embedded one when configured, and the cloud's MQTT connection.</summary>
public static class BrokerSetup
{
    public static IHostApplicationBuilder AddBroker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<BrokerOptions>().BindConfiguration(BrokerOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BrokerOptions>, BrokerOptionsValidator>();

        var mode = builder.Configuration.GetValue($"{BrokerOptions.Section}:{nameof(BrokerOptions.Mode)}", BrokerMode.Embedded);
        if (mode == BrokerMode.Embedded)
        {
            builder.Services.AddHostedService<EmbeddedBroker>();
        }

        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CloudMqttClient>(
            sp, Options.Create(sp.GetRequiredService<IOptions<BrokerOptions>>().Value.ForOwnConnection())));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CloudMqttClient>());
        builder.Services.AddHealthChecks().AddCheck<BrokerHealthCheck>("broker", tags: ["ready"]);
        return builder;
    }
}

/// <summary>Ready only while connected to the broker with every subscription granted: only then is a published message received.</summary>
public sealed class BrokerHealthCheck(CloudMqttClient client, IOptions<BrokerOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var own = options.Value.ForOwnConnection();
        var broker = $"{own.Host}:{own.Port}";
        return Task.FromResult(
            client.IsSubscribed ? HealthCheckResult.Healthy($"connected to {broker}, subscribed")
            : client.IsConnected ? HealthCheckResult.Unhealthy($"connected to MQTT broker {broker}, subscriptions not yet granted")
            : HealthCheckResult.Unhealthy($"not connected to MQTT broker {broker}"));
    }
}
