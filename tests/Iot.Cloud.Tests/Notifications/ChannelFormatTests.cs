using System.Text;
using Iot.Cloud.Notifications;
using Iot.Cloud.Notifications.Channels;
using Iot.Cloud.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Notifications;

/// <summary>
/// Each channel against its platform as documented (a local receiver that recomputes signatures and enforces limits),
/// and the platform's refusals in the delivery log in words.
/// </summary>
public sealed class ChannelFormatTests : IAsyncLifetime
{
    private readonly string _file = TestDatabases.NewSqliteFile("channels");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 18, 0, 0, TimeSpan.Zero));
    private PlatformReceiver _platforms = null!;

    public async Task InitializeAsync() => _platforms = await PlatformReceiver.StartAsync(_clock);

    public async Task DisposeAsync()
    {
        await _platforms.DisposeAsync();
        File.Delete(_file);
    }

    private Task<OutboxHarness> Harness(params (string Key, string? Value)[] channel) =>
        OutboxHarness.StartAsync(TestDatabases.Sqlite(_file), _clock, channel.ToDictionary(c => c.Key, c => c.Value));

    [Fact]
    public async Task WeCom_gets_markdown_within_4096_bytes_and_a_mention_of_the_on_duty_mobile()
    {
        await using var h = await Harness(("Webhooks:Channels:wecom:Kind", "WeCom"), ("Webhooks:Channels:wecom:Party", "xinyu-property"), ("Webhooks:Channels:wecom:Url", _platforms.WeCom.ToString()));
        await h.QueueAsync("wecom", ChannelKind.WeCom, "**【严重】充电桩过热断电**\n> 益康路1号院 · " + new string('长', 2000), recipient: "13800000001");

        await h.Dispatcher.DeliverDueAsync(CancellationToken.None);

        var sent = await h.LogAsync();
        Assert.NotNull(sent[0].DeliveredAt);
        Assert.Contains("WeCom errcode 0: ok; mentioned 13800000001", sent[0].LastResult, StringComparison.Ordinal);
        var markdown = _platforms.Received.Single(r => r.Body["msgtype"]!.GetValue<string>() == "markdown").Body;
        Assert.True(Encoding.UTF8.GetByteCount(markdown["markdown"]!["content"]!.GetValue<string>()) <= 4096);
        var mention = _platforms.Received.Single(r => r.Body["msgtype"]!.GetValue<string>() == "text").Body;
        Assert.Equal("13800000001", mention["text"]!["mentioned_mobile_list"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task The_8_oclock_digest_goes_as_one_message_under_a_heading_naming_the_courtyards_and_the_count()
    {
        await using var h = await Harness(("Webhooks:Channels:wecom:Kind", "WeCom"), ("Webhooks:Channels:wecom:Party", "xinyu-property"), ("Webhooks:Channels:wecom:Url", _platforms.WeCom.ToString()));
        await h.QueueAsync("wecom", ChannelKind.WeCom, "**【一般】路灯不亮**", severity: Iot.Cloud.Kernel.Severity.Minor, courtyard: "益康路1号院");
        await h.QueueAsync("wecom", ChannelKind.WeCom, "**【提示】水位偏高**", severity: Iot.Cloud.Kernel.Severity.Warning, courtyard: "益康路6号院");
        await h.QueueAsync("wecom", ChannelKind.WeCom, "**【一般】门禁未关**", severity: Iot.Cloud.Kernel.Severity.Minor, courtyard: "益康路1号院");

        await h.Dispatcher.DeliverDueAsync(CancellationToken.None);

        var content = Assert.Single(_platforms.Received).Body["markdown"]!["content"]!.GetValue<string>();
        Assert.StartsWith("**【每日汇总】益康路1号院、益康路6号院，3 条**\n\n**【一般】路灯不亮**", content, StringComparison.Ordinal);
        Assert.All(await h.LogAsync(), n => Assert.Contains("sent as one of 3 merged", n.LastResult, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WeCom_rate_limit_is_logged_in_words_and_the_waiting_messages_go_later_as_one()
    {
        await using var h = await Harness(("Webhooks:Channels:wecom:Kind", "WeCom"), ("Webhooks:Channels:wecom:Party", "xinyu-property"), ("Webhooks:Channels:wecom:Url", _platforms.WeCom.ToString()));
        _platforms.WeComAllowance = 0;
        await h.QueueAsync("wecom", ChannelKind.WeCom, "**第一条**");
        await h.Dispatcher.DeliverDueAsync(CancellationToken.None);

        var limited = Assert.Single(await h.LogAsync());
        Assert.Null(limited.DeliveredAt);
        Assert.Contains("WeCom errcode 45009: api freq out of limit (rate limited", limited.LastResult, StringComparison.Ordinal);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(1), limited.NextAttemptAt);

        for (var i = 2; i <= 6; i++)
        {
            await h.QueueAsync("wecom", ChannelKind.WeCom, $"**第{i}条**");
        }

        _platforms.WeComAllowance = int.MaxValue;
        _clock.Advance(TimeSpan.FromMinutes(1));
        await h.Dispatcher.DeliverDueAsync(CancellationToken.None);

        var merged = Assert.Single(_platforms.Received).Body["markdown"]!["content"]!.GetValue<string>();
        Assert.Contains("**第一条**", merged, StringComparison.Ordinal);
        Assert.Contains("**第6条**", merged, StringComparison.Ordinal);
        Assert.All(await h.LogAsync(), n => Assert.Contains("(sent as one of 6 merged)", n.LastResult, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DingTalk_request_is_signed_so_the_robot_recomputes_it_and_mentions_by_mobile()
    {
        await using var h = await Harness(("Webhooks:Channels:ding:Kind", "DingTalk"), ("Webhooks:Channels:ding:Party", "xinyu-property"),
            ("Webhooks:Channels:ding:Url", _platforms.DingTalk.ToString()), ("Webhooks:Channels:ding:Secret", PlatformReceiver.DingTalkSecret));
        await h.QueueAsync("ding", ChannelKind.DingTalk, "**【严重】充电桩过热断电**\n> 益康路1号院", recipient: "13800000002");

        await h.Dispatcher.DeliverDueAsync(CancellationToken.None);

        Assert.NotNull(Assert.Single(await h.LogAsync()).DeliveredAt);
        var body = Assert.Single(_platforms.Received).Body;
        Assert.Equal("13800000002", body["at"]!["atMobiles"]![0]!.GetValue<string>());
        Assert.Contains("@13800000002", body["markdown"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("【严重】充电桩过热断电", body["markdown"]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task DingTalk_refusing_a_wrong_secret_shows_in_the_log_and_is_not_retried()
    {
        await using var h = await Harness(("Webhooks:Channels:ding:Kind", "DingTalk"), ("Webhooks:Channels:ding:Party", "xinyu-property"),
            ("Webhooks:Channels:ding:Url", _platforms.DingTalk.ToString()), ("Webhooks:Channels:ding:Secret", "SECwrong"));
        await h.QueueAsync("ding", ChannelKind.DingTalk, "**告警**");

        await h.Dispatcher.DeliverDueAsync(CancellationToken.None);

        var refused = Assert.Single(await h.LogAsync());
        Assert.NotNull(refused.FailedAt);
        Assert.Contains("DingTalk errcode 310000: sign not match", refused.LastResult, StringComparison.Ordinal);
        Assert.Contains("check the robot's secret", refused.LastResult, StringComparison.Ordinal);
    }

    private static (string, string?)[] Sms(PlatformReceiver platforms, string template) =>
    [
        ("Webhooks:Channels:sms:Kind", "Sms"), ("Webhooks:Channels:sms:Party", "xinyu-property"), ("Webhooks:Channels:sms:Url", platforms.Sms.ToString()),
        ("Webhooks:Channels:sms:Secret", PlatformReceiver.SmsSecret), ("Webhooks:Channels:sms:AccessKeyId", PlatformReceiver.SmsKeyId),
        ("Webhooks:Channels:sms:SignName", "永昌院坝"), ("Webhooks:Channels:sms:Templates:alert", template),
    ];

    [Fact]
    public async Task Aliyun_SendSms_is_signed_as_documented_with_the_template_and_its_parameters()
    {
        await using var h = await Harness(Sms(_platforms, "SMS_300001"));
        await h.QueueAsync("sms", ChannelKind.Sms, "充电桩过热断电", recipient: "13800000003");

        await h.Dispatcher.DeliverDueAsync(CancellationToken.None);

        var sent = Assert.Single(await h.LogAsync());
        Assert.Contains("Aliyun SMS OK: OK; to 13800000003", sent.LastResult, StringComparison.Ordinal);
        var form = Assert.Single(_platforms.Received).Body;
        Assert.Equal("SMS_300001", form["TemplateCode"]!.GetValue<string>());
        Assert.Equal("永昌院坝", form["SignName"]!.GetValue<string>());
        Assert.Contains("益康路1号院", form["TemplateParam"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aliyun_refusing_a_template_not_approved_shows_in_the_log()
    {
        await using var h = await Harness(Sms(_platforms, "SMS_999999"));
        await h.QueueAsync("sms", ChannelKind.Sms, "充电桩过热断电", recipient: "13800000003");

        await h.Dispatcher.DeliverDueAsync(CancellationToken.None);

        var refused = Assert.Single(await h.LogAsync());
        Assert.NotNull(refused.FailedAt);
        Assert.Contains("Aliyun SMS isv.SMS_TEMPLATE_ILLEGAL: 该账号下找不到对应模板 (template not approved or unknown: SMS_999999)", refused.LastResult, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aliyun_refusing_a_wrong_access_key_secret_shows_in_the_log()
    {
        var settings = Sms(_platforms, "SMS_300001").Select(s => s.Item1.EndsWith(":Secret", StringComparison.Ordinal) ? (s.Item1, "wrong") : s).ToArray();
        await using var h = await Harness(settings);
        await h.QueueAsync("sms", ChannelKind.Sms, "充电桩过热断电", recipient: "13800000003");

        await h.Dispatcher.DeliverDueAsync(CancellationToken.None);

        Assert.Contains("HTTP 400, Aliyun SMS SignatureDoesNotMatch: Specified signature is not matched with our calculation. (bad request signature", Assert.Single(await h.LogAsync()).LastResult, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_is_signed_over_timestamp_and_body_and_carries_the_message_id()
    {
        await using var h = await Harness(("Webhooks:Channels:hook:Kind", "Webhook"), ("Webhooks:Channels:hook:Party", "xinyu-property"),
            ("Webhooks:Channels:hook:Url", _platforms.Webhook("xinyu").ToString()), ("Webhooks:Channels:hook:Secret", PlatformReceiver.WebhookSecret));
        var queued = await h.QueueAsync("hook", ChannelKind.Webhook, "告警");

        await h.Dispatcher.DeliverDueAsync(CancellationToken.None);

        Assert.Equal([queued.MessageId.ToString()], _platforms.WebhookIds);
        Assert.Equal("HTTP 200", Assert.Single(await h.LogAsync()).LastResult);
    }

    [Fact]
    public async Task Webhook_with_the_wrong_secret_is_refused_by_the_receiver_and_logged()
    {
        await using var h = await Harness(("Webhooks:Channels:hook:Kind", "Webhook"), ("Webhooks:Channels:hook:Party", "xinyu-property"),
            ("Webhooks:Channels:hook:Url", _platforms.Webhook("xinyu").ToString()), ("Webhooks:Channels:hook:Secret", "not-the-secret"));
        await h.QueueAsync("hook", ChannelKind.Webhook, "告警");

        await h.Dispatcher.DeliverDueAsync(CancellationToken.None);

        var refused = Assert.Single(await h.LogAsync());
        Assert.Equal("HTTP 401: {\"error\":\"bad signature\"}", refused.LastResult);
        Assert.NotNull(refused.FailedAt);
    }

    [Fact]
    public void Plain_http_outside_loopback_and_unsigned_channels_are_refused_at_start()
    {
        var options = new WebhookOptions
        {
            Parties = { ["xinyu-property"] = new Uri("http://hooks.example.com/x") },
            Channels = { ["ding"] = new ChannelOptions { Kind = ChannelKind.DingTalk, Party = "xinyu-property", Url = new Uri("https://oapi.dingtalk.com/robot/send?access_token=t") } },
        };
        var failures = new WebhookOptionsValidator().Validate(null, options).Failures!.ToList();
        Assert.Contains("Webhooks:Parties:xinyu-property 'http://hooks.example.com/x' is plain http; only https is allowed outside loopback", failures);
        Assert.Contains("Webhooks:Channels:ding:Secret is missing; a DingTalk channel signs its requests", failures);
    }
}
