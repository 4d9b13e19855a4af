using System.Threading.RateLimiting;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Auth;

/// <summary>
/// Accounts (ASP.NET Core Identity on the cloud database), the sign-in cookie, roles as policies, the per-request
/// <see cref="AccessScope"/>, and sign-in throttling (per client, and progressive delays in <see cref="SignInDelays"/>). Every endpoint needs a signed-in account unless it says
/// <c>AllowAnonymous</c> (the fallback policy), so a new endpoint is closed until someone decides otherwise.
/// </summary>
public static partial class AuthSetup
{
    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddOptions<SignInDelayOptions>().BindConfiguration(SignInDelayOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SignInDelayOptions>, SignInDelayOptionsValidator>();
        builder.Services.AddSingleton<SignInDelays>();
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DemoOptions>, DemoOptionsValidator>();
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();

        AddAccounts(builder.Services, auth);
        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        builder.Services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "iot.auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = auth.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = auth.SessionIdle;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/login";
            cookie.LogoutPath = "/logout";
            cookie.AccessDeniedPath = "/denied";

            // The stamp is checked against the database on every request (below). While the database is away the request
            // goes on as anonymous, and the cookie stays for when it is back: /readyz still says what is down, and a
            // blip signs nobody out.
            cookie.Events.OnValidatePrincipal = async context =>
            {
                try
                {
                    await SecurityStampValidator.ValidatePrincipalAsync(context);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
                {
                    // Said in the log: a person sent back to the sign-in page should be explainable.
                    LogSessionCheckFailed(context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthSetup)), context.Request.Path, e.GetType().Name, e.Message);
                    context.RejectPrincipal();
                }
            };

            // The API answers with status codes; only pages redirect to the sign-in page.
            cookie.Events.OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => Answer(context, StatusCodes.Status403Forbidden);
        });

        // Each request checks the account's security stamp (one indexed lookup) and takes role and scope afresh from the
        // account: a disabled account, a new password or a changed role ends the old sessions at once, not in 30 minutes.
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(StaffPolicy())
            .AddPolicy(Policies.Staff, StaffPolicy())
            .AddPolicy(Policies.Work, p => p.RequireRole(nameof(StaffRole.PropertyStaff), nameof(StaffRole.CompanySupervisor), nameof(StaffRole.UnitStaff), nameof(StaffRole.StreetAdmin)))
            .AddPolicy(Policies.Maintenance, p => p.RequireRole(nameof(StaffRole.CompanySupervisor), nameof(StaffRole.CommunitySupervisor), nameof(StaffRole.StreetAdmin)))
            .AddPolicy(Policies.Notify, p => p.RequireRole(nameof(StaffRole.CompanySupervisor), nameof(StaffRole.StreetAdmin)))
            .AddPolicy(Policies.Supervise, p => p.RequireRole(nameof(StaffRole.CommunitySupervisor), nameof(StaffRole.StreetAdmin)))
            .AddPolicy(Policies.Rate, p => p.RequireRole(nameof(StaffRole.CommunitySupervisor), nameof(StaffRole.StreetAdmin)))
            .AddPolicy(Policies.StreetAdmin, p => p.RequireRole(nameof(StaffRole.StreetAdmin)));

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped(sp => AccessScope.Of(
            sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.User ?? new System.Security.Claims.ClaimsPrincipal(),
            sp.GetRequiredService<ICurrentSite>().Site));

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policies.SignInLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                ClientKey(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = auth.SignInAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });

        builder.Services.AddHostedService<DemoAccounts>();
        return builder;
    }

    /// <summary>Identity for accounts only (also used by the <c>accounts</c> command line).</summary>
    public static void AddAccounts(IServiceCollection services, AuthOptions auth)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(auth);
        services.AddIdentityCore<Account>(o =>
            {
                o.Password.RequiredLength = auth.MinPasswordLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.AllowedForNewUsers = false; // no lockout: failed sign-ins slow down instead (SignInDelays)
                o.User.RequireUniqueEmail = false;
                o.SignIn.RequireConfirmedAccount = true; // "confirmed" = not disabled (EnabledAccounts)
            })
            .AddEntityFrameworkStores<CloudDb>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<AccountClaims>()
            .AddUserConfirmation<EnabledAccounts>()
            .AddPasswordValidator<CommonPasswordValidator>()
            .AddDefaultTokenProviders();
        services.AddScoped<AccountService>();
        services.AddSingleton(sp => sp.GetService<InstanceBus>() is { } bus ? new AccountSessions(bus) : new AccountSessions());
    }

    /// <summary>Sign-in, the same-origin check, roles and rate limits, in that order (after static files and language).</summary>
    public static WebApplication UseAuth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseMiddleware<SameOriginCheck>();
        app.Use(RoutingRefusals.AllowAnonymous);
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// The partition key of per-client limits: the client's address (the one a trusted proxy forwarded, see
    /// <c>Web/Proxy</c>), IPv6 grouped by /64 (<see cref="ClientAddress"/>).
    /// </summary>
    public static string ClientKey(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return ClientAddress.Key(http.Connection.RemoteIpAddress);
    }

    private static AuthorizationPolicy StaffPolicy() =>
        new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(System.Security.Claims.ClaimTypes.Role).Build();

    private static Task Answer(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the session of a request to {Path} failed ({Type}: {Reason}); the request goes on as anonymous and the cookie stays")]
    private static partial void LogSessionCheckFailed(ILogger logger, string path, string type, string reason);
}
