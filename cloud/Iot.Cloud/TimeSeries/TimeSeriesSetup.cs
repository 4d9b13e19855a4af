using Iot.Cloud.Operations;
using Iot.Cloud.TimeSeries.Influx;
using Iot.Cloud.TimeSeries.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.TimeSeries;

/// <summary>Wires the time-series feature: options, the chosen backend, metrics and the maintenance service.</summary>
public static class TimeSeriesSetup
{
    /// <summary>
    /// Binds and validates <see cref="TimeSeriesOptions"/> from section <c>TimeSeries</c> (a wrong setting stops the
    /// host naming it), registers the <see cref="ITimeSeriesStore"/> of <c>TimeSeries:Backend</c> as a singleton and
    /// <see cref="TimeSeriesMaintenance"/> (initialize on start, retention every hour).
    /// </summary>
    public static IHostApplicationBuilder AddTimeSeries(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<TimeSeriesOptions>()
            .BindConfiguration(TimeSeriesOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TimeSeriesOptions>, TimeSeriesOptionsValidator>());
        services.AddClocks();
        services.AddMetrics();
        services.TryAddSingleton<TimeSeriesMetrics>();
        services.TryAddSingleton<ITimeSeriesStore>(CreateStore);
        services.AddSingleton<TimeSeriesMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<TimeSeriesMaintenance>());
        services.AddHealthChecks().AddCheck<TimeSeriesHealthCheck>("timeseries", tags: ["ready"]);
        return builder;
    }

    private static ITimeSeriesStore CreateStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<TimeSeriesOptions>>().Value;
        var metrics = services.GetRequiredService<TimeSeriesMetrics>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        return options.Backend switch
        {
            TimeSeriesBackend.Influx => new InfluxTimeSeriesStore(options, services.GetRequiredService<TimeProvider>(), services.GetRequiredKeyedService<TimeProvider>(Clocks.Retry), metrics, loggers.CreateLogger<InfluxTimeSeriesStore>()),
            _ => new SqliteTimeSeriesStore(options, metrics, loggers.CreateLogger<SqliteTimeSeriesStore>()),
        };
    }
}

/// <summary>Ready only while the time-series store answers.</summary>
public sealed class TimeSeriesHealthCheck(ITimeSeriesStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.IsReachableAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("time-series store unreachable");
}
