using Microsoft.AspNetCore.Localization;

namespace Iot.Cloud.Web.Localization;

/// <summary><c>GET /lang/{code}?back=/path</c>: remembers the chosen language in a cookie for a year and goes back.</summary>
public static class LanguageSwitch
{
    public static IEndpointRouteBuilder MapLanguageSwitch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/lang/{code}", (string code, string? back, HttpContext http) =>
        {
            var culture = code == "en" ? Lang.English : Lang.Chinese;
            http.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });

            // Only back to a page of this site.
            var local = back is { Length: > 0 } && back[0] == '/' && !back.StartsWith("//", StringComparison.Ordinal) && !back.StartsWith("/\\", StringComparison.Ordinal);
            return Results.LocalRedirect(local ? back! : "/");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
