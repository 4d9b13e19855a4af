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
            sp, Options.Create(sp.GetRequiredService<IOptions<BrokerOptions>>().Value.ForOwnConnection()), BrokerSession.Main));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CloudMqttClient>());
        builder.Services.AddSingleton(sp => new EventSession(ActivatorUtilities.CreateInstance<CloudMqttClient>(
            sp, Options.Create(sp.GetRequiredService<IOptions<BrokerOptions>>().Value.ForEventSession()), BrokerSession.Events)));
        // Not AddHostedService: it adds one hosted service per implementation type, and both sessions are CloudMqttClients.
        builder.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<EventSession>().Client);
        builder.Services.AddHealthChecks().AddCheck<BrokerHealthCheck>("broker", tags: ["ready"]);
        return builder;
    }
}

/// <summary>The cloud's second broker connection, which receives device events alone (<see cref="BrokerSession.Events"/>).</summary>
/// <param name="Client">Its client.</param>
public sealed record EventSession(CloudMqttClient Client);

/// <summary>Ready only while both sessions are connected with every subscription granted: only then is a published message received.</summary>
public sealed class BrokerHealthCheck(CloudMqttClient main, EventSession events, IOptions<BrokerOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var own = options.Value.ForOwnConnection();
        var broker = $"{own.Host}:{own.Port}";
        var problems = new[] { main, events.Client }
            .Where(c => !c.IsSubscribed)
            .Select(c => c.IsConnected ? $"the {c.Session.Name} session is connected to MQTT broker {broker}, subscriptions not yet granted" : $"the {c.Session.Name} session is not connected to MQTT broker {broker}")
            .ToList();
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"connected to {broker}, both sessions subscribed")
            : HealthCheckResult.Unhealthy(string.Join("; ", problems)));
    }
}
