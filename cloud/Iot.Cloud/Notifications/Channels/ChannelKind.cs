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
