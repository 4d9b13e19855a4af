using Microsoft.Extensions.Options;

namespace Iot.Cloud.Operations;

/// <summary>The operations endpoints' settings (section <c>Operations</c>).</summary>
public sealed class OperationsOptions
{
    public const string Section = "Operations";

    /// <summary>
    /// The bearer token Prometheus sends for <c>/metrics</c> (<c>Authorization: Bearer ...</c>). Required in Production;
    /// elsewhere, when empty, /metrics is open to whoever reaches the port (loopback by default).
    /// </summary>
    public string? MetricsToken { get; set; }
}

/// <summary>
/// Checks <see cref="OperationsOptions"/>, and in the Production environment the settings a public deployment cannot do
/// without: each missing one is named, and the start stops with exit code 2 (Program.cs).
/// </summary>
public sealed class ProductionSettingsValidator(IHostEnvironment environment, IConfiguration configuration) : IValidateOptions<OperationsOptions>
{
    /// <summary>The shortest metrics token: 32 characters, as <c>openssl rand -hex 16</c> gives.</summary>
    public const int MinTokenLength = 32;

    public ValidateOptionsResult Validate(string? name, OperationsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var operations = new SettingProblems(OperationsOptions.Section);
        var token = options.MetricsToken;
        operations.Require(string.IsNullOrEmpty(token) || (token.Length >= MinTokenLength && !token.Any(char.IsWhiteSpace)), "MetricsToken",
            $"must be at least {MinTokenLength} characters without spaces, e.g. from: openssl rand -hex 24");
        if (!environment.IsProduction())
        {
            return operations.Result;
        }

        operations.Require(!string.IsNullOrEmpty(token), "MetricsToken",
            "is required in Production: Prometheus sends it as 'Authorization: Bearer <token>' (e.g. openssl rand -hex 24)");
        var problems = new List<string>(operations.Result.Failures ?? []);
        if (string.IsNullOrWhiteSpace(configuration["Web:PublicBaseUrl"]))
        {
            problems.Add("Web:PublicBaseUrl is required in Production: the https:// address residents' phones reach the service at "
                + "(e.g. https://estate.example.cn); the posted QR codes and the allowed host names come from it");
        }

        // Behind the TLS proxy every request comes from the proxy: unless it is named, the whole street shares one
        // sign-in and report allowance, and the pages' https origin fails the same-origin check.
        if (!configuration.GetSection("Web:KnownProxies").GetChildren().Any() && !configuration.GetSection("Web:KnownNetworks").GetChildren().Any())
        {
            problems.Add("Web:KnownProxies (or Web:KnownNetworks) is required in Production: the address the TLS proxy reaches the "
                + "service from (e.g. 172.30.0.1, the compose network's gateway); without it every resident counts as the proxy");
        }

        if (configuration.GetValue<bool>("Demo:SeedAccounts"))
        {
            problems.Add("Demo:SeedAccounts must be false in Production: the demo accounts share one known password");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
