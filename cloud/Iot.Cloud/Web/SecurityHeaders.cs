namespace Iot.Cloud.Web;

/// <summary>
/// Headers every response carries: scripts and styles only from this service (no inline script, no CDN), no framing,
/// no MIME sniffing, no referrer outside the site (tracking codes are in URLs).
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Set as the response starts, not now: the exception handler clears the headers of a response it replaces
        // (a 400 for an unreadable request, whose problem may quote the request back), and those need them too.
        context.Response.OnStarting(Apply, context.Response);
        return next(context);
    }

    private static Task Apply(object state)
    {
        var headers = ((HttpResponse)state).Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "geolocation=(), microphone=(), camera=(self)";
        return Task.CompletedTask;
    }
}
