using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Web.Proxy;

/// <summary>
/// The cloud behind a TLS reverse proxy (Caddy, nginx): from a trusted proxy only, <c>X-Forwarded-For</c> becomes the
/// client's address (so per-client limits count residents, not the proxy) and <c>X-Forwarded-Proto</c> the scheme (so
/// the same-origin check compares with <c>https</c> and cookies are marked Secure). Anyone else's forwarded headers are
/// ignored: a client cannot choose its own address.
/// </summary>
public static class ProxySetup
{
    public static IHostApplicationBuilder AddProxy(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(WebOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxy) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;

            // The framework trusts loopback by default; here only what the settings name.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var address in proxy.Value.KnownProxies)
            {
                if (IPAddress.TryParse(address.Trim(), out var parsed))
                {
                    forwarded.KnownProxies.Add(parsed);
                }
            }

            foreach (var network in proxy.Value.KnownNetworks)
            {
                if (System.Net.IPNetwork.TryParse(network.Trim(), out var parsed))
                {
                    forwarded.KnownIPNetworks.Add(parsed);
                }
            }

            // As many hops as there are trusted proxies in a row (a CDN in front of nginx, say); the first address that
            // is not a trusted proxy is the client, and whatever it wrote further left is ignored.
            forwarded.ForwardLimit = null;
        });
        return builder;
    }

    /// <summary>First in the pipeline, so that everything after it sees the client's address and scheme.</summary>
    public static WebApplication UseProxy(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // With no proxy named the middleware would believe everyone, so it is left out (the settings are checked at start).
        if (app.Configuration.GetSection(WebOptions.Section).Get<ProxyOptions>() is { TrustsAnyone: true })
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
