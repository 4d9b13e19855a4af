using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Iot.Cloud.Ingest;

/// <summary>Wires the ingest pipeline: inbox, its two lanes (telemetry and events), dedupe, boot clock, stored watermarks, metrics.</summary>
public static class IngestSetup
{
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<IngestOptions>, IngestOptionsValidator>();
        builder.Services.AddSingleton<IngestInbox>();
        builder.Services.AddSingleton<Broker.IArrivals>(sp => sp.GetRequiredService<IngestInbox>());
        builder.Services.AddSingleton<IngestStats>();
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<SequenceTracker>();
        builder.Services.AddSingleton<BootClock>();
        builder.Services.AddSingleton<AgentBudget>();
        builder.Services.AddSingleton<IngestRetention>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestRetention>());
        builder.Services.AddSingleton<Admission>();
        builder.Services.AddSingleton<WatermarkPublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WatermarkPublisher>());
        builder.Services.AddSingleton<IngestBatch>();
        builder.Services.AddSingleton<IngestProcessor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestProcessor>());
        builder.Services.AddSingleton<EventBatch>();
        builder.Services.AddSingleton<EventProcessor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventProcessor>());
        builder.Services.AddHealthChecks().AddCheck<IngestHealthCheck>("ingest", tags: ["ready"]);
        return builder;
    }
}

/// <summary>Not ready while either lane's batches fail to store (the database or time-series store is down).</summary>
public sealed class IngestHealthCheck(IngestProcessor telemetry, EventProcessor events, IngestInbox inbox) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(telemetry.IsFailing || events.IsFailing
            ? HealthCheckResult.Unhealthy($"storing failed, {inbox.Count} messages waiting: {telemetry.LastError ?? events.LastError}")
            : HealthCheckResult.Healthy($"{inbox.Count} messages waiting"));
}
