using Iot.Cloud.Kernel;
using Iot.Cloud.Notifications.Channels;
using Iot.Cloud.Operations;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Notifications;

/// <summary>
/// Outbound channels per responsible party (section <c>Webhooks</c>): <c>Webhooks:Channels:xinyu-wecom:Kind = WeCom</c>,
/// <c>...:Party = xinyu-property</c>, <c>...:Url = https://qyapi.weixin.qq.com/...</c>. Addresses and secrets hold
/// keys, so they come from the environment or a secret store, not from the site manifests in git. The older
/// shorthand <c>Webhooks:Parties:PARTY = URL</c> is a generic webhook per party signed with <see cref="Secret"/>.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Shorthand: party id → address of its generic webhook.</summary>
    public Dictionary<string, Uri> Parties { get; set; } = [];

    /// <summary>Signs the shorthand webhooks (HMAC-SHA256); unsigned without it, which only loopback tolerates.</summary>
    public string? Secret { get; set; }

    /// <summary>Channel name → channel; the name is the queue (a dead channel delays only its own messages).</summary>
    public Dictionary<string, ChannelOptions> Channels { get; set; } = [];

    /// <summary>Party id → who is on duty when (Kunming time).</summary>
    public Dictionary<string, RotaOptions> Rota { get; set; } = [];

    /// <summary>Attempts before a message is given up on (and left in the delivery log as failed).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; doubles with each attempt.</summary>
    public TimeSpan FirstRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one HTTP try may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Quick retries of one attempt on a network error, 5xx, 408 or 429 (honouring Retry-After), before it counts as failed.</summary>
    public int QuickRetries { get; set; } = 2;

    /// <summary>
    /// Whether channels entered on the settings page may point at this machine or a private network. Off: a supervisor
    /// must not make the cloud post to its own database or broker. Tests and a LAN-only receiver turn it on.
    /// </summary>
    public bool PageChannelsMayBeLocal { get; set; }

    /// <summary>How long an instance holds the messages it claimed; longer than an attempt with its retries can take.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Every channel the options describe, the shorthand ones included (named after their party).</summary>
    public IEnumerable<(string Name, ChannelOptions Channel)> AllChannels() =>
        Parties.Select(p => (p.Key, new ChannelOptions { Kind = ChannelKind.Webhook, Party = p.Key, Url = p.Value, Secret = Secret }))
            .Concat(Channels.Select(c => (c.Key, c.Value)));
}

/// <summary>One channel of one party.</summary>
public sealed class ChannelOptions
{
    public ChannelKind Kind { get; set; }

    public string Party { get; set; } = "";

    /// <summary>The robot's webhook (its key in the query), the webhook's address, or the SMS API's endpoint.</summary>
    public Uri? Url { get; set; }

    /// <summary>The webhook's or DingTalk robot's signing secret, or the SMS AccessKey secret. Write-only.</summary>
    public string? Secret { get; set; }

    /// <summary>The lowest severity this channel carries (SMS: critical only unless stricter).</summary>
    public Severity MinSeverity { get; set; } = Severity.Warning;

    /// <summary>SMS: the AccessKey id.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>SMS: the approved signature name (签名), e.g. 永昌院坝.</summary>
    public string? SignName { get; set; }

    /// <summary>SMS: the approved template code per message kind (<c>alert</c>, <c>workOrder</c>, <c>recovered</c>).</summary>
    public Dictionary<string, string> Templates { get; set; } = [];

    /// <summary>SMS: who is texted besides the on-duty person.</summary>
    public List<string> Phones { get; set; } = [];
}

/// <summary>Checks the channels' settings (each problem names its key).</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new SettingProblems(WebhookOptions.Section);
        foreach (var (party, url) in options.Parties)
        {
            problems.Require(ChannelRule.IsWebAddress(url), $"Parties:{party}", $"'{url}' is not an absolute http(s) URL")
                .Require(!ChannelRule.IsPlainHttpOffLoopback(url), $"Parties:{party}", $"'{url}' is plain http; only https is allowed outside loopback");
        }

        foreach (var (key, channel) in options.Channels)
        {
            var url = channel.Url;
            problems.Require(!string.IsNullOrWhiteSpace(channel.Party), $"Channels:{key}:Party", "is missing; name the party the channel belongs to")
                .Require(ChannelRule.IsWebAddress(url), $"Channels:{key}:Url", $"'{url}' is not an absolute http(s) URL")
                .Require(!ChannelRule.IsPlainHttpOffLoopback(url), $"Channels:{key}:Url", $"'{url}' is plain http; only https is allowed outside loopback")
                .Require(!ChannelRule.Signs(channel.Kind) || !string.IsNullOrEmpty(channel.Secret), $"Channels:{key}:Secret", $"is missing; a {channel.Kind} channel signs its requests")
                .Require(channel.Kind != ChannelKind.Sms || (!string.IsNullOrEmpty(channel.AccessKeyId) && !string.IsNullOrEmpty(channel.SignName) && channel.Templates.Count > 0),
                    $"Channels:{key}", "is SMS; it needs AccessKeyId, SignName and Templates");
        }

        foreach (var (party, rota) in options.Rota)
        {
            problems.Require(rota.Problem() is null, $"Rota:{party}", rota.Problem() ?? "");
        }

        return problems
            .Within(nameof(options.MaxAttempts), options.MaxAttempts, 1, 100)
            .Within(nameof(options.QuickRetries), options.QuickRetries, 0, 5)
            .Require(options.FirstRetryAfter > TimeSpan.Zero, nameof(options.FirstRetryAfter), $"is {options.FirstRetryAfter}; it must be positive")
            .Require(options.Timeout > TimeSpan.Zero, nameof(options.Timeout), $"is {options.Timeout}; it must be positive")
            .Require(options.Lease >= options.Timeout * (options.QuickRetries + 1) * 2, nameof(options.Lease), $"is {options.Lease}; it must be at least twice Timeout ({options.Timeout}) times the tries, so a slow send keeps its lease")
            .Result;
    }
}
