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

    /// <summary>
    /// The latest time a message may be placed at (plus <c>MessageLimits.MaxFutureSkew</c>): business time, unless business
    /// time stands behind the wall clock on purpose (<see cref="LaggingClock"/>, a demo replaying its past week).
    /// </summary>
    public static DateTimeOffset LatestOf(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return time is LaggingClock lagging ? lagging.Latest : time.GetUtcNow();
    }

    /// <summary>Registers business time (the system clock, unless one is registered already) and the retry clock.</summary>
    public static IServiceCollection AddClocks(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(Retry, TimeProvider.System);
        return services;
    }
}

/// <summary>
/// A business clock that runs behind the wall clock on purpose: readings and events up to <see cref="Latest"/> are real,
/// not placed in the future by a wrong clock, and wait for business time to reach them.
/// </summary>
public abstract class LaggingClock : TimeProvider
{
    /// <summary>The wall clock's time: nothing real is later.</summary>
    public abstract DateTimeOffset Latest { get; }

    /// <summary>True while business time is behind the wall clock (replaying), false once it runs with it.</summary>
    public abstract bool Behind { get; }
}
