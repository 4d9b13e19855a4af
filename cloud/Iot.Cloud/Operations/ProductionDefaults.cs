using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.HostFiltering;
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

        // Read when the options are first built, after every configuration source (tests add theirs late), and
        // after ASP.NET Core's own default ("*" when AllowedHosts is not set), which this replaces.
        builder.Services.AddOptions<HostFilteringOptions>().PostConfigure<IConfiguration, IHostEnvironment>((hosts, configuration, environment) =>
        {
            if (environment.IsProduction() && string.IsNullOrWhiteSpace(configuration["AllowedHosts"])
                && Uri.TryCreate(configuration["Web:PublicBaseUrl"]?.Trim(), UriKind.Absolute, out var url))
            {
                hosts.AllowedHosts = [url.IdnHost, "localhost", "127.0.0.1", "[::1]"];
            }
        });
        return builder;
    }

    /// <summary>/metrics answers only a request with <c>Authorization: Bearer {Operations:MetricsToken}</c> once the token is set.</summary>
    public static WebApplication UseMetricsToken(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/metrics"), metrics => metrics.Use(async (http, next) =>
        {
            var token = http.RequestServices.GetRequiredService<IOptions<OperationsOptions>>().Value.MetricsToken;
            var sent = http.Request.Headers.Authorization.ToString();
            var given = sent.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? sent["Bearer ".Length..].Trim() : string.Empty;

            // Hashes of equal length, compared in constant time: the answer's timing tells nothing about the token.
            if (string.IsNullOrEmpty(token)
                || CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(token))))
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
