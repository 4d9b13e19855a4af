using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Iot.Cloud.Operations;

/// <summary>
/// The cloud's two clocks. The plain <see cref="TimeProvider"/> is business time: rules, alerts, service levels,
/// retention, webhook schedules and every stored timestamp are measured on it, and tests replace it with a fake clock
/// they move by hand. The keyed <see cref="Retry"/> clock only paces the machinery: the wait before trying again after a
/// failure (MQTT reconnect and its connection check, a store that failed, a rule evaluation that failed, a backend that
/// is not up yet). It is always real time, so a service whose business clock stands still still recovers on its own.
/// </summary>
public static class Clocks
{
    /// <summary>The key of the retry clock: <c>[FromKeyedServices(Clocks.Retry)] TimeProvider</c>.</summary>
    public const string Retry = "retry";

    /// <summary>Registers business time (the system clock, unless one is registered already) and the retry clock.</summary>
    public static IServiceCollection AddClocks(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(Retry, TimeProvider.System);
        return services;
    }
}
