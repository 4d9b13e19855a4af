namespace Iot.Cloud.Auth;

/// <summary>
/// Refuses a state-changing request that a browser says comes from another site. The sign-in cookie is SameSite=Lax
/// already; this closes the rest (the JSON API has no antiforgery token, Razor forms do). Clients that are not
/// browsers send neither header and cannot be tricked into sending a cookie, so they pass.
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
            || (origin.Length > 0 && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase));
        if (crossSite)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("cross-site request refused");
        }

        return next(context);
    }
}
