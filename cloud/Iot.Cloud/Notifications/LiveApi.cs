using System.Text.Json;
using Iot.Cloud.Auth;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.Notifications;

/// <summary>Server-sent events at <c>/api/live</c>: alert and work-order changes as they are saved, plus a heartbeat.</summary>
public static class LiveApi
{
    /// <summary>How long the stream may stay silent before a heartbeat comment is sent.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(20);

    public static IEndpointRouteBuilder MapLiveApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/live", async (HttpContext http, LiveFeed feed, AccessScope scope, AccountSessions sessions, IServiceScopeFactory scopes, TimeProvider time, CourtyardId? courtyard, string? party, CancellationToken aborted) =>
        {
            // The scope is taken once, when the stream opens: a change to the account (disabled, new role or party,
            // password reset) ends the stream at once, and the console reconnects with what the account may see now.
            using var connection = sessions.Open(scope.Name!);
            using var ends = CancellationTokenSource.CreateLinkedTokenSource(aborted, connection.Revoked);
            var ct = ends.Token;

            // Subscribe before writing anything: a client that has seen ": connected" misses no change made after it.
            using var subscription = feed.Subscribe();
            http.Response.ContentType = "text/event-stream; charset=utf-8";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            await http.Response.WriteAsync(": connected\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
            var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            try
            {
                var next = subscription.Changes.ReadAsync(ct).AsTask();
                while (true)
                {
                    LiveEvent change;
                    try
                    {
                        change = await next.WaitAsync(Heartbeat, time, ct);
                    }
                    catch (TimeoutException)
                    {
                        // A change made by another process (the command line, a second instance) is seen here.
                        if (!await StampHoldsAsync(scopes, http.User))
                        {
                            return;
                        }

                        // Quiet for a while: a comment line keeps proxies and the browser from calling the stream dead.
                        await http.Response.WriteAsync(": heartbeat\n\n", ct);
                        await http.Response.Body.FlushAsync(ct);
                        continue;
                    }

                    next = subscription.Changes.ReadAsync(ct).AsTask();
                    if ((courtyard is not null && change.CourtyardId != courtyard) || (party is not null && change.PartyId != party)
                        || !scope.Sees(change.Type, change.CourtyardId, change.PartyId))
                    {
                        continue;
                    }

                    await http.Response.WriteAsync($"event: {change.Type}\ndata: {JsonSerializer.Serialize(change, options)}\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The console went away, or the account changed.
            }
        }).WithTags("Live").ExcludeFromDescription().RequireAuthorization(Policies.Staff);
        return app;
    }

    // The same check every request gets when it starts: the cookie's security stamp against the account's.
    private static async Task<bool> StampHoldsAsync(IServiceScopeFactory scopes, System.Security.Claims.ClaimsPrincipal user)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var signIn = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.SignInManager<Iot.Cloud.Data.Account>>();
            return await signIn.ValidateSecurityStampAsync(user) is not null;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            // The database is away: end the stream; the console's reconnect is checked like any request.
            return false;
        }
    }
}
