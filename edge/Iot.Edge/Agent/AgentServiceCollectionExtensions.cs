using Iot.Edge.Config;
using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Edge.Simulation;
using Iot.Edge.Uplink;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent;

/// <summary>Wires the agent: options bound from configuration and validated at start, and the agent service.</summary>
public static class AgentServiceCollectionExtensions
{
    /// <summary>Adds every option section with its validator and the <see cref="AgentService"/>.</summary>
    public static IServiceCollection AddEdgeAgent(this IServiceCollection services)
    {
        services.AddOptions<EdgeOptions>().BindConfiguration("Edge").ValidateOnStart();
        services.AddSingleton<IValidateOptions<EdgeOptions>, EdgeOptionsValidator>();
        services.AddOptions<MqttOptions>().BindConfiguration("Mqtt").ValidateOnStart();
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        services.AddOptions<OutboxOptions>().BindConfiguration("Outbox").ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>();
        services.AddOptions<SafetyOptions>().BindConfiguration("Safety").ValidateOnStart();
        services.AddSingleton<IValidateOptions<SafetyOptions>, SafetyOptionsValidator>();
        services.AddOptions<ScenarioOptions>().BindConfiguration("Simulation").ValidateOnStart();
        services.AddSingleton<IValidateOptions<ScenarioOptions>, ScenarioOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddHostedService<AgentService>();
        return services;
    }
}
