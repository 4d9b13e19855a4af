namespace Iot.Cloud.Auth;

/// <summary>
/// Refuses a state-changing request that a browser says comes from another site. The sign-in cookie is SameSite=Lax
/// already; this closes the rest (the JSON API has no antiforgery token, Razor forms do). Clients that are not
/// browsers send neither header and cannot be tricked into sending a cookie, so they pass. Behind a TLS proxy the scheme
/// is the one the trusted proxy forwarded (<c>Web/Proxy</c>), so <c>https://estate.example</c> matches.
/// </summary>
public sealed class SameOriginCheck(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return next(context);
        }

        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        var origin = request.Headers.Origin.ToString();
        var crossSite = fetchSite is "cross-site" or "same-site"
            || (origin.Length > 0 && !IsSameOrigin(origin, request));
        if (crossSite)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("cross-site request refused");
        }

        return next(context);
    }

    // Scheme, host and port, with the scheme's default port filled in on both sides (a proxy may send Host with :443).
    private static bool IsSameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var from)
        && Uri.TryCreate($"{request.Scheme}://{request.Host}", UriKind.Absolute, out var self)
        && string.Equals(from.Scheme, self.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(from.IdnHost, self.IdnHost, StringComparison.OrdinalIgnoreCase)
        && from.Port == self.Port;
}
