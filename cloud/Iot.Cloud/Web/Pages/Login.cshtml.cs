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

/// <summary>The sign-in form: failures count towards the lockout; success goes back where the person was going.</summary>
[AllowAnonymous]
[EnableRateLimiting(Policies.SignInLimit)]
public sealed class LoginModel(SignInManager<Account> signIn, Lang lang) : PageModel
{
    public string? Error { get; private set; }

    public string? UserName { get; private set; }

    public string? ReturnUrl { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostAsync(string? userName, string? password, string? returnUrl)
    {
        var (result, user) = await SessionApi.PasswordSignInAsync(signIn, userName, password);
        if (!result.Succeeded || user is null)
        {
            UserName = userName;
            ReturnUrl = returnUrl;
            Error = lang[result.IsLockedOut ? "Too many failed attempts: this account is locked for a while. Try again later or ask the street office to unlock it." : "Wrong user name or password."];
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        if (returnUrl is { Length: > 1 } && Url.IsLocalUrl(returnUrl))
        {
            return LocalRedirect(returnUrl);
        }

        return LocalRedirect(user.FindFirstValue(ClaimTypes.Role) == nameof(StaffRole.CommunitySupervisor) ? "/dashboard" : "/console");
    }
}
