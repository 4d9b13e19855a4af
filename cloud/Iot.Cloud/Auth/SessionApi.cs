using System.Security.Claims;
using Iot.Cloud.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;

namespace Iot.Cloud.Auth;

/// <summary>
/// Sign-in for API clients and scripts: <c>POST /api/session</c> sets the same cookie the sign-in page does,
/// <c>GET</c> says who is signed in, <c>DELETE</c> signs out. Failed attempts slow the next ones (<see cref="SignInDelays"/>).
/// </summary>
public static class SessionApi
{
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/session").WithTags("Session").ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapPost("/", SignIn).AllowAnonymous().RequireRateLimiting(Policies.SignInLimit);
        api.MapGet("/", (ClaimsPrincipal user) => TypedResults.Ok(SessionView.Of(user)));
        api.MapDelete("/", async (SignInManager<Account> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.NoContent();
        });
        return app;
    }

    private static async Task<Results<Ok<SessionView>, ProblemHttpResult>> SignIn(SignInRequest body, HttpContext http, SignInManager<Account> signIn, SignInDelays delays)
    {
        var attempt = await PasswordSignInAsync(http, signIn, delays, body.UserName, body.Password);
        if (attempt.RetryAfter is { } wait)
        {
            return Problems.Of(StatusCodes.Status429TooManyRequests, "Too many failed attempts", $"too many failed attempts: wait {Seconds(wait)} s before trying again");
        }

        return attempt.User is { } user
            ? TypedResults.Ok(SessionView.Of(user))
            : Problems.Of(StatusCodes.Status401Unauthorized, "Not signed in", $"wrong user name or password");
    }

    /// <summary>
    /// Checks a password and sets the cookie; the sign-in page uses it too. An attempt that comes before its wait is over
    /// is not checked at all: it answers how long is left (and sets <c>Retry-After</c>), and does not count.
    /// </summary>
    public static async Task<SignInAttempt> PasswordSignInAsync(HttpContext http, SignInManager<Account> signIn, SignInDelays delays, string? userName, string? password)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(signIn);
        ArgumentNullException.ThrowIfNull(delays);
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password) || userName.Length > 256 || password.Length > 256)
        {
            return new(null, null);
        }

        var client = AuthSetup.ClientKey(http);
        if (delays.Wait(userName, client) is var wait && wait > TimeSpan.Zero)
        {
            http.Response.Headers.RetryAfter = Seconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new(null, wait);
        }

        // No lockout: Identity's would let anyone who knows a user name keep that account shut.
        var result = await signIn.PasswordSignInAsync(userName, password, isPersistent: false, lockoutOnFailure: false);
        if (!result.Succeeded)
        {
            delays.Failed(userName, client);
            return new(null, null);
        }

        delays.Succeeded(userName, client);
        var account = await signIn.UserManager.FindByNameAsync(userName);
        return new(account is null ? null : await signIn.CreateUserPrincipalAsync(account), null);
    }

    /// <summary>A wait in whole seconds, rounded up (what <c>Retry-After</c> carries).</summary>
    public static int Seconds(TimeSpan wait) => (int)Math.Ceiling(wait.TotalSeconds);
}

/// <summary>What came of a sign-in: the person signed in, or how long to wait before the next attempt is heard, or neither (a wrong password).</summary>
public sealed record SignInAttempt(ClaimsPrincipal? User, TimeSpan? RetryAfter);

public sealed record SignInRequest(string? UserName, string? Password);

/// <summary>
/// Who is signed in, with what role and scope. An account on a temporary password has no role until it has chosen its
/// own password (<c>/account/password</c>): <c>role</c> is null and <c>mustChangePassword</c> true.
/// </summary>
public sealed record SessionView(string Name, string DisplayName, StaffRole? Role, string? Party, string? Community, bool MustChangePassword)
{
    public static SessionView Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(
            user.Identity?.Name ?? string.Empty,
            user.FindFirstValue(StaffClaims.DisplayName) ?? string.Empty,
            user.FindFirstValue(ClaimTypes.Role) is { } role ? Enum.Parse<StaffRole>(role) : null,
            user.FindFirstValue(StaffClaims.Party),
            user.FindFirstValue(StaffClaims.Community),
            user.HasClaim(StaffClaims.MustChangePassword, "true"));
    }
}
