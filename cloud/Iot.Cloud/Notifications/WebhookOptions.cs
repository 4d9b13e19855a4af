using Iot.Cloud.Operations;
using Microsoft.Extensions.Options;
namespace Iot.Cloud.Notifications;

/// <summary>
/// Outbound webhooks per responsible party (section <c>Webhooks</c>): <c>Webhooks:Parties:xinyu-property = https://...</c>.
/// The address may hold a bot's secret token, so it comes from the environment or a secret store, not from the
/// site manifests in git.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Party id → address to POST notifications to.</summary>
    public Dictionary<string, Uri> Parties { get; set; } = [];

    /// <summary>Attempts before a notification is given up on (and left in the delivery log as failed).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failure; doubles with each attempt.</summary>
    public TimeSpan FirstRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Checks the webhooks' settings (each problem names its key).</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new SettingProblems(WebhookOptions.Section);
        foreach (var (party, url) in options.Parties)
        {
            problems.Require(url.IsAbsoluteUri && url.Scheme is "http" or "https", $"Parties:{party}", $"'{url}' is not an absolute http(s) URL");
        }

        return problems
            .Within(nameof(options.MaxAttempts), options.MaxAttempts, 1, 100)
            .Require(options.FirstRetryAfter > TimeSpan.Zero, nameof(options.FirstRetryAfter), $"is {options.FirstRetryAfter}; it must be positive")
            .Require(options.Timeout > TimeSpan.Zero, nameof(options.Timeout), $"is {options.Timeout}; it must be positive")
            .Result;
    }
}
