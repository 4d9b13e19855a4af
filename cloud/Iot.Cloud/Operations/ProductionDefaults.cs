using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Operations;

/// <summary>
/// What the Production environment adds to the defaults (./run.sh and the tests run as Development): HTTPS-only
/// cookies (appsettings.Production.json), the allowed host names from <c>Web:PublicBaseUrl</c>, and /metrics behind its
/// token. HSTS is in Web/WebSetup.cs.
/// </summary>
public static class ProductionDefaults
{
    /// <summary>
    /// In Production without <c>AllowedHosts</c>: the public address's host, and the loopback names the container's
    /// health check and an operator on the server use. A request naming another host is refused (400), so a forged
    /// Host header cannot reach a page or a cache.
    /// </summary>
    public static IHostApplicationBuilder AddProductionDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<OperationsOptions>().BindConfiguration(OperationsOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OperationsOptions>, ProductionSettingsValidator>();
        if (builder.Environment.IsProduction() && string.IsNullOrWhiteSpace(builder.Configuration["AllowedHosts"])
            && Uri.TryCreate(builder.Configuration["Web:PublicBaseUrl"]?.Trim(), UriKind.Absolute, out var url))
        {
            builder.Configuration.AddInMemoryCollection([new("AllowedHosts", $"{url.IdnHost};localhost;127.0.0.1;[::1]")]);
        }

        return builder;
    }

    /// <summary>/metrics answers only a request with <c>Authorization: Bearer {Operations:MetricsToken}</c> once the token is set.</summary>
    public static WebApplication UseMetricsToken(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // From the configuration, not IOptions: the options are validated when the host starts (a bad token stops it
        // there with exit code 2), and reading them here would throw before that.
        var token = app.Configuration[$"{OperationsOptions.Section}:{nameof(OperationsOptions.MetricsToken)}"];
        if (string.IsNullOrEmpty(token))
        {
            return app;
        }

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/metrics"), metrics => metrics.Use(async (http, next) =>
        {
            var sent = http.Request.Headers.Authorization.ToString();
            var given = sent.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? sent["Bearer ".Length..].Trim() : string.Empty;

            // Hashes of equal length, compared in constant time: the answer's timing tells nothing about the token.
            if (CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), expected))
            {
                await next(http);
                return;
            }

            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await http.Response.WriteAsync("/metrics needs 'Authorization: Bearer <Operations:MetricsToken>'\n");
        }));
        return app;
    }
}
