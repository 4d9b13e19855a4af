using System.Text.Json.Serialization;
using Iot.Cloud.Api;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;

namespace Iot.Cloud.Operations;

/// <summary>Health (/healthz, /readyz), Prometheus metrics (/metrics), the OpenAPI document, JSON and error handling.</summary>
public static class OperationsSetup
{
    public static IHostApplicationBuilder AddOperations(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddClocks();
        builder.AddProductionDefaults();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Explain);
        builder.Services.AddExceptionHandler<BadRequestProblems>();

        // Unreadable input throws in every environment, so BadRequestProblems answers it with a problem that names it.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // Enums by name only: a number would let an undefined value (severity 999) into the handlers.
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase, allowIntegerValues: false));

            // A field the request record has no default for must be sent (the OpenAPI document lists it as required).
            o.SerializerOptions.RespectRequiredConstructorParameters = true;
        });

        // Every meter of ours is named Iot.Cloud.*; exported for Prometheus at /metrics with the runtime and HTTP figures.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Iot.Cloud.*")
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMetricsToken();

        // Probes and scrapers carry no account: the health checks are open, /readyz names what is down only to the
        // street office and to the server itself (HealthReport), /metrics asks for its token once one is set.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthReport.WriteAsync }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();

        // The API's map, for signed-in staff (and anyone while developing): it lists every endpoint an attacker could try.
        var openApi = app.MapOpenApi("/openapi/{documentName}.json");
        if (app.Environment.IsDevelopment())
        {
            openApi.AllowAnonymous();
        }
        else
        {
            openApi.RequireAuthorization(); // a signed-in account (every account is staff)
        }

        return app;
    }
}
