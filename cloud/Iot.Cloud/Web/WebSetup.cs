using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Iot.Cloud.Web.Dashboards;
using Iot.Cloud.Web.Localization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.WebEncoders;

namespace Iot.Cloud.Web;

/// <summary>
/// The pages people use, served by the cloud itself: the staff console, the community safety dashboard, the
/// public safety view and the resident report pages (Razor Pages under Web/Pages, assets in wwwroot, nothing from
/// a CDN). Chinese by default, English by choice (a cookie).
/// </summary>
public static class WebSetup
{
    public static IHostApplicationBuilder AddWeb(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidator>();
        builder.Services.AddRazorPages(o => o.RootDirectory = "/Web/Pages");

        // Production only (UseWeb): a browser that has seen the site over HTTPS uses nothing else for a year. Not for
        // subdomains (the street's domain may hold other services) and not preloaded: both are the operator's choice.
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));

        // Chinese goes out as itself (3 bytes in UTF-8), not as &#x9662; (8 bytes): pages are mostly Chinese and many
        // residents are on poor mobile connections. Markup characters (< > & " ') are still encoded.
        builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddScoped<Lang>();
        builder.Services.PostConfigure<ProblemDetailsOptions>(o =>
        {
            var explain = o.CustomizeProblemDetails;
            o.CustomizeProblemDetails = context =>
            {
                explain?.Invoke(context);
                ProblemLanguage.Translate(context);
            };
        });
        builder.Services.AddScoped<Admin.RuleWords>();
        builder.Services.AddScoped<Dashboards.SafetyFigures>();
        builder.Services.AddScoped<Dashboards.ServiceRecord>();
        builder.Services.AddScoped<Dashboards.MaintenanceNotices>();
        builder.Services.AddScoped<Dashboards.AuditTrail>();
        builder.Services.AddScoped<Dashboards.OpenFaults>();
        builder.Services.AddScoped<Volunteers.VolunteerRecord>();
        builder.Services.AddScoped<Dashboards.DashboardPatrols>();
        builder.Services.AddScoped<Dashboards.AssessmentBoard>();
        builder.Services.AddScoped<Courtyards.CourtyardState>();
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(Lang.Chinese);
            o.SupportedCultures = o.SupportedUICultures = [new CultureInfo(Lang.Chinese), new CultureInfo(Lang.English)];
            o.RequestCultureProviders = [new CookieRequestCultureProvider()];
        });
        return builder;
    }

    /// <summary>Security headers, static assets and the language, before sign-in.</summary>
    public static WebApplication UseWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Environment.IsProduction())
        {
            app.UseHsts();
        }

        app.UseMiddleware<SecurityHeaders>();

        // Pages answer errors with a page in the person's language; the API keeps its problem details.
        app.UseWhen(http => !http.Request.Path.StartsWithSegments("/api"), pages => pages.UseStatusCodePagesWithReExecute("/status/{0}"));
        app.UseStaticFiles();
        app.UseRequestLocalization();

        // Routing after the status pages, so a re-executed error request is routed to the status page.
        app.UseRouting();
        return app;
    }

    public static WebApplication MapWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapRazorPages();
        app.MapLanguageSwitch();
        app.MapQrCodes();
        app.MapSupervisionCsv();
        return app;
    }
}
