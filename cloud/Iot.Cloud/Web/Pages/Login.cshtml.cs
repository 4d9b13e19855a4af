using System.Security.Claims;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Web.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Iot.Cloud.Web.Pages;

/// <summary>The sign-in form: failures slow the next attempts (<see cref="SignInDelays"/>); success goes back where the person was going.</summary>
[AllowAnonymous]
[EnableRateLimiting(Policies.SignInLimit)]
public sealed class LoginModel(SignInManager<Account> signIn, SignInDelays delays, Lang lang) : PageModel
{
    public string? Error { get; private set; }

    public string? UserName { get; private set; }

    public string? ReturnUrl { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostAsync(string? userName, string? password, string? returnUrl)
    {
        var attempt = await SessionApi.PasswordSignInAsync(HttpContext, signIn, delays, userName, password);
        if (attempt.User is not { } user)
        {
            UserName = userName;
            ReturnUrl = returnUrl;
            Error = attempt.RetryAfter is { } wait
                ? lang.F("Too many failed attempts. Please wait {0} seconds, then sign in again.", SessionApi.Seconds(wait))
                : lang["Wrong user name or password."];
            Response.StatusCode = attempt.RetryAfter is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status429TooManyRequests;
            return Page();
        }

        if (returnUrl is { Length: > 1 } && Url.IsLocalUrl(returnUrl))
        {
            return LocalRedirect(returnUrl);
        }

        return LocalRedirect(user.FindFirstValue(ClaimTypes.Role) == nameof(StaffRole.CommunitySupervisor) ? "/dashboard" : "/console");
    }
}
