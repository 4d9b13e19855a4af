using Microsoft.AspNetCore.Authorization;

namespace Iot.Cloud.Auth;

/// <summary>
/// Routing answers a wrong media type (415) or method (405) with an endpoint of its own that carries no metadata, so
/// the fallback policy would turn it into a 401 for someone signed out, even on an open endpoint such as
/// <c>POST /api/reports</c>: the resident would be told to sign in instead of what is wrong with the request. Those
/// refusals are open to all; they run no handler and show no data.
/// </summary>
public static class RoutingRefusals
{
    public static Task AllowAnonymous(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetEndpoint() is { Metadata.Count: 0 } endpoint and not RouteEndpoint)
        {
            context.SetEndpoint(new Endpoint(endpoint.RequestDelegate, new EndpointMetadataCollection(new AllowAnonymousAttribute()), endpoint.DisplayName));
        }

        return next(context);
    }
}
