using Iot.Cloud.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Cloud.Web.Pages;

/// <summary>Where a signed-in person lands when their role may not open a page.</summary>
[AllowAnonymous]
public sealed class DeniedModel : PageModel
{
    public IActionResult OnGet()
    {
        // Signed in with a temporary password: every page is refused until the person chooses their own.
        if (User.HasClaim(c => c.Type == StaffClaims.MustChangePassword))
        {
            return LocalRedirect("/account/password");
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }
}
