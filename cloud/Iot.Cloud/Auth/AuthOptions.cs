using Microsoft.Extensions.Options;

namespace Iot.Cloud.Auth;

/// <summary>Sign-in and account rules (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Shortest password accepted (length is what makes a password strong; no composition rules).</summary>
    public int MinPasswordLength { get; set; } = 10;

    /// <summary>How long a sign-in lasts without use (sliding).</summary>
    public TimeSpan SessionIdle { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Sign-in attempts per client address per minute, whatever the account.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 20;

    /// <summary>Send the sign-in cookie over HTTPS only. Off for the loopback demo; on in Production (appsettings.Production.json).</summary>
    public bool SecureCookies { get; set; }
}

/// <summary>Demo accounts (section <c>Demo</c>); never on in production.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Create one account per role at start (./run.sh and the tests turn this on).</summary>
    public bool SeedAccounts { get; set; }

    /// <summary>Give every block of the sample site a weekly patrol plan at start, where it has none (./run.sh).</summary>
    public bool SeedPatrolPlans { get; set; }

    /// <summary>The demo accounts' password.</summary>
    public string Password { get; set; } = "yongchang-demo";
}

/// <summary>Checks the sign-in settings before the service starts.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.MinPasswordLength is < 8 or > 128)
        {
            problems.Add($"Auth:MinPasswordLength {options.MinPasswordLength} must be between 8 and 128");
        }

        if (options.SessionIdle <= TimeSpan.Zero)
        {
            problems.Add("Auth:SessionIdle must be positive");
        }

        if (options.SignInAttemptsPerMinute < 1)
        {
            problems.Add("Auth:SignInAttemptsPerMinute must be at least 1");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>Demo accounts need a password that the account rules accept.</summary>
public sealed class DemoOptionsValidator(IOptions<AuthOptions> auth) : IValidateOptions<DemoOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.SeedAccounts && options.Password.Length < auth.Value.MinPasswordLength
            ? ValidateOptionsResult.Fail($"Demo:Password must have at least {auth.Value.MinPasswordLength} characters (Auth:MinPasswordLength)")
            : ValidateOptionsResult.Success;
    }
}
