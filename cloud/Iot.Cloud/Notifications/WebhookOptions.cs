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
