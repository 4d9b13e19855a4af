namespace Iot.Cloud.Notifications.Channels;

/// <summary>Where a message goes; each kind formats and signs as its platform documents.</summary>
public enum ChannelKind
{
    /// <summary>Our own JSON, signed with HMAC-SHA256 (cloud/README.md, "Notifications").</summary>
    Webhook,

    /// <summary>企业微信 group robot (markdown).</summary>
    WeCom,

    /// <summary>钉钉 custom group robot (markdown, signed URL).</summary>
    DingTalk,

    /// <summary>SMS through Aliyun's SendSms (templates only).</summary>
    Sms,
}

/// <summary>The rules a channel's settings follow, wherever they are entered (configuration or the settings page).</summary>
public static class ChannelRule
{
    /// <summary>True for the kinds that sign their requests, so a channel of that kind needs a secret.</summary>
    public static bool Signs(ChannelKind kind) => kind is ChannelKind.Webhook or ChannelKind.DingTalk or ChannelKind.Sms;

    /// <summary>True for an absolute http or https address.</summary>
    public static bool IsWebAddress(Uri? url) => url is { IsAbsoluteUri: true } && url.Scheme is "http" or "https";

    /// <summary>True for plain http anywhere but loopback, which a channel may not use: messages carry names and mobiles.</summary>
    public static bool IsPlainHttpOffLoopback(Uri? url) => url is { IsAbsoluteUri: true, Scheme: "http" } && !url.IsLoopback;
}
