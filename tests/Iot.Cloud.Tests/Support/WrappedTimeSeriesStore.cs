using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Support;

/// <summary>
/// The cloud's real time-series store with a test's hand on its writes (held, failed once): everything else goes straight
/// through. <see cref="Wrap"/> puts it in place of the store a cloud's services were given.
/// </summary>
public sealed class WrappedTimeSeriesStore(ITimeSeriesStore inner, Func<ITimeSeriesStore, IReadOnlyList<StoredReading>, CancellationToken, Task> write)
    : ITimeSeriesStore, IDisposable
{
    /// <summary>Replaces the registered store with one whose writes go through <paramref name="write"/> (given the real store).</summary>
    public static void Wrap(IServiceCollection services, Func<ITimeSeriesStore, IReadOnlyList<StoredReading>, CancellationToken, Task> write)
    {
        var real = services.Single(d => d.ServiceType == typeof(ITimeSeriesStore));
        services.Remove(real);
        services.AddSingleton<ITimeSeriesStore>(sp => new WrappedTimeSeriesStore((ITimeSeriesStore)real.ImplementationFactory!(sp), write));
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    public Task WriteAsync(IReadOnlyList<StoredReading> readings, CancellationToken cancellationToken) => write(inner, readings, cancellationToken);

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task<IReadOnlyList<LatestReading>> LatestAsync(CourtyardId courtyard, AgentId? agent, CancellationToken cancellationToken) =>
        inner.LatestAsync(courtyard, agent, cancellationToken);

    public Task<IReadOnlyList<SeriesPoint>> RangeAsync(AgentId agent, SensorId sensor, DateTimeOffset from, DateTimeOffset to, Resolution resolution, CancellationToken cancellationToken) =>
        inner.RangeAsync(agent, sensor, from, to, resolution, cancellationToken);

    public Task<IReadOnlyList<SeriesGap>> GapsAsync(AgentId agent, SensorId sensor, DateTimeOffset from, DateTimeOffset to, TimeSpan maxInterval, CancellationToken cancellationToken) =>
        inner.GapsAsync(agent, sensor, from, to, maxInterval, cancellationToken);

    public Task ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.ApplyRetentionAsync(now, cancellationToken);

    public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => inner.IsReachableAsync(cancellationToken);
}
