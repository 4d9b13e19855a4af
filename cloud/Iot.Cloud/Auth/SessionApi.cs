using System.Security.Claims;
using Iot.Cloud.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;

namespace Iot.Cloud.Auth;

/// <summary>
/// Sign-in for API clients and scripts: <c>POST /api/session</c> sets the same cookie the sign-in page does,
/// <c>GET</c> says who is signed in, <c>DELETE</c> signs out. Failed attempts count towards the lockout.
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

    private static async Task<Results<Ok<SessionView>, ProblemHttpResult>> SignIn(SignInRequest body, SignInManager<Account> signIn)
    {
        var (result, user) = await PasswordSignInAsync(signIn, body.UserName, body.Password);
        if (result.IsLockedOut)
        {
            return Problems.Of(StatusCodes.Status429TooManyRequests, "Locked out", Problems.Text(Refusal(result)));
        }

        return result.Succeeded && user is not null
            ? TypedResults.Ok(SessionView.Of(user))
            : Problems.Of(StatusCodes.Status401Unauthorized, "Not signed in", Problems.Text(Refusal(result)));
    }

    /// <summary>Checks a password (counting failures towards the lockout) and sets the cookie; the sign-in page uses it too.</summary>
    public static async Task<(SignInResult Result, ClaimsPrincipal? User)> PasswordSignInAsync(SignInManager<Account> signIn, string? userName, string? password)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password) || userName.Length > 256 || password.Length > 256)
        {
            return (SignInResult.Failed, null);
        }

        var result = await signIn.PasswordSignInAsync(userName, password, isPersistent: false, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            return (result, null);
        }

        var account = await signIn.UserManager.FindByNameAsync(userName);
        return (result, account is null ? null : await signIn.CreateUserPrincipalAsync(account));
    }

    /// <summary>Why a sign-in failed, without saying whether the account exists.</summary>
    public static string Refusal(SignInResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.IsLockedOut
            ? "too many failed attempts: this account is locked for a while; try again later or ask the street office to unlock it"
            : "wrong user name or password";
    }
}

public sealed record SignInRequest(string? UserName, string? Password);

/// <summary>Who is signed in, with what role and scope.</summary>
public sealed record SessionView(string Name, string DisplayName, StaffRole Role, string? Party, string? Community)
{
    public static SessionView Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(
            user.Identity?.Name ?? string.Empty,
            user.FindFirstValue(StaffClaims.DisplayName) ?? string.Empty,
            Enum.Parse<StaffRole>(user.FindFirstValue(ClaimTypes.Role) ?? nameof(StaffRole.PropertyStaff)),
            user.FindFirstValue(StaffClaims.Party),
            user.FindFirstValue(StaffClaims.Community));
    }
}
