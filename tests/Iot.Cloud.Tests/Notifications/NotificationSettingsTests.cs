using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Notifications;

/// <summary>
/// The whole cloud with two channels: the settings page never shows a secret or a robot's key, the test button's endpoint
/// sends through the running dispatcher at once, and the platform's answer shows in the page's log.
/// </summary>
public sealed class NotificationSettingsTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private const string HookSecret = "hook-secret-never-shown";

    [Fact]
    public async Task The_settings_page_hides_secrets_and_its_test_message_reaches_the_robot_with_the_answer_in_the_log()
    {
        await using var platforms = await PlatformReceiver.StartAsync(TimeProvider.System);
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:Channels:xinyu-ding:Kind"] = "DingTalk", ["Webhooks:Channels:xinyu-ding:Party"] = "xinyu-property",
            ["Webhooks:Channels:xinyu-ding:Url"] = platforms.DingTalk.ToString(), ["Webhooks:Channels:xinyu-ding:Secret"] = PlatformReceiver.DingTalkSecret,
            ["Webhooks:Channels:xinyu-hook:Kind"] = "Webhook", ["Webhooks:Channels:xinyu-hook:Party"] = "xinyu-property",
            ["Webhooks:Channels:xinyu-hook:Url"] = platforms.Webhook("xinyu").ToString(), ["Webhooks:Channels:xinyu-hook:Secret"] = HookSecret,
            ["Webhooks:Rota:xinyu-property:Fallback"] = "13800000009",
        };
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), settings);
        await cloud.WaitReadyAsync();

        var page = await cloud.Http.GetStringAsync(new Uri("/admin/notifications", UriKind.Relative));
        Assert.Contains("xinyu-ding (DingTalk)", page, StringComparison.Ordinal);
        Assert.Contains("已设置（不显示）", page, StringComparison.Ordinal);
        Assert.Contains("138****0009", page, StringComparison.Ordinal);
        foreach (var secret in new[] { PlatformReceiver.DingTalkSecret, HookSecret, PlatformReceiver.DingTalkToken })
        {
            Assert.DoesNotContain(secret, page, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, await cloud.Http.GetStringAsync(new Uri("/api/notifications/channels", UriKind.Relative)), StringComparison.Ordinal);
        }

        using var test = await cloud.Http.PostAsJsonAsync("/api/notifications/channels/xinyu-ding/test", new { });
        Assert.Equal(HttpStatusCode.Accepted, test.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cloud.Http.PostAsJsonAsync("/api/notifications/channels/nobody/test", new { })).StatusCode);

        await CloudHost.WaitUntilAsync(() => Task.FromResult(!platforms.Received.IsEmpty), "the test message reaching the DingTalk robot");
        Assert.Contains("测试消息", Assert.Single(platforms.Received).Body["markdown"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        await CloudHost.WaitUntilAsync(async () => (await cloud.Http.GetStringAsync(new Uri("/admin/notifications", UriKind.Relative))).Contains("DingTalk errcode 0: ok", StringComparison.Ordinal),
            "the platform's answer in the settings page's log");
    }
}
