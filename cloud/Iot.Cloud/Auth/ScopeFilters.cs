using System.Globalization;
using Iot.Cloud.Api;
using Iot.Cloud.Data;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.Auth;

/// <summary>
/// Endpoint filters that check the resource a request names against the caller's <see cref="AccessScope"/> before
/// the handler runs. Outside the scope is answered exactly like a resource that does not exist (404; for a courtyard
/// named in a body, the same 400 as an unknown one), so nobody learns what another company's orders are.
/// </summary>
public static class ScopeFilters
{
    /// <summary>The route value <paramref name="name"/> is a courtyard id.</summary>
    public static RouteHandlerBuilder ForCourtyard(this RouteHandlerBuilder builder, string name = "id") =>
        builder.AddEndpointFilter(async (context, next) =>
            Scope(context).Courtyard(Parse<CourtyardId>(Route(context, name))) ? await next(context) : TypedResults.NotFound());

    /// <summary>The route value <paramref name="name"/> is an agent id.</summary>
    public static RouteHandlerBuilder ForAgent(this RouteHandlerBuilder builder, string name = "agent") =>
        builder.AddEndpointFilter(async (context, next) =>
            Scope(context).Agent(Parse<AgentId>(Route(context, name))) ? await next(context) : TypedResults.NotFound());

    /// <summary>
    /// The route value <c>id</c> names a row of a feature's table: <paramref name="inScope"/> finds it and judges it
    /// against the caller's scope (false for a row that does not exist). Each feature builds its own on this.
    /// </summary>
    public static RouteHandlerBuilder ForRow(this RouteHandlerBuilder builder, Func<CloudDb, long, AccessScope, CancellationToken, Task<bool>> inScope) =>
        builder.AddEndpointFilter(async (context, next) =>
            await inScope(Db(context), Id(context), Scope(context), context.HttpContext.RequestAborted) ? await next(context) : TypedResults.NotFound());

    /// <summary>The request body of type <typeparamref name="T"/> names a courtyard.</summary>
    public static RouteHandlerBuilder ForCourtyardIn<T>(this RouteHandlerBuilder builder, Func<T, string?> courtyard) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var body = context.Arguments.OfType<T>().FirstOrDefault();
            var id = body is null ? null : courtyard(body);
            return body is null || Scope(context).Courtyard(Parse<CourtyardId>(id)) ? await next(context) : Problems.Bad("courtyard", $"unknown courtyard '{id}'");
        });

    private static AccessScope Scope(EndpointFilterInvocationContext context) => context.HttpContext.RequestServices.GetRequiredService<AccessScope>();

    private static CloudDb Db(EndpointFilterInvocationContext context) => context.HttpContext.RequestServices.GetRequiredService<CloudDb>();

    private static string? Route(EndpointFilterInvocationContext context, string name) => context.HttpContext.GetRouteValue(name) as string;

    private static T? Parse<T>(string? text)
        where T : struct, IIdentifier<T> => T.TryParse(text, out var id, out _) ? id : null;

    private static long Id(EndpointFilterInvocationContext context) =>
        long.TryParse(Route(context, "id"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1;
}
