using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Iot.Cloud.Notifications.Settings;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Notifications;

/// <summary>One cloud with the platforms on loopback, one configured channel, and channels allowed on loopback (the receivers').</summary>
public sealed class SettingsCloud : IAsyncLifetime
{
    private readonly BrokerFixture _broker = new();

    public CloudHost Cloud { get; private set; } = null!;

    public PlatformReceiver Platforms { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        Platforms = await PlatformReceiver.StartAsync(TimeProvider.System);
        Cloud = await CloudHost.StartAsync(_broker.Port, _broker.NewFolder("cloud"), new Dictionary<string, string?>
        {
            ["Webhooks:PageChannelsMayBeLocal"] = "true",
            ["Webhooks:Channels:configured-hook:Kind"] = "Webhook", ["Webhooks:Channels:configured-hook:Party"] = "xinyu-property",
            ["Webhooks:Channels:configured-hook:Url"] = Platforms.Webhook("configured").ToString(), ["Webhooks:Channels:configured-hook:Secret"] = PlatformReceiver.WebhookSecret,
            ["Webhooks:Rota:cable-works:Fallback"] = "13800000077",
        });
        await Cloud.WaitReadyAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cloud is not null)
        {
            await Cloud.DisposeAsync();
        }

        if (Platforms is not null)
        {
            await Platforms.DisposeAsync();
        }

        await _broker.DisposeAsync();
    }
}

/// <summary>
/// Channels and rotas set through the settings API and page: used by the next message without a restart, secrets sealed at
/// rest and never shown again (an empty field keeps them, a new one replaces them), every change audited without them,
/// each field's problem named in both languages, and a company's supervisor kept to its own party.
/// </summary>
public sealed class StoredChannelTests(SettingsCloud fixture) : IClassFixture<SettingsCloud>
{
    private CloudHost Cloud => fixture.Cloud;

    private PlatformReceiver Platforms => fixture.Platforms;

    [Fact]
    public async Task A_channel_and_rota_saved_through_the_api_carry_the_next_critical_order_and_the_secret_is_never_shown_again()
    {
        using var put = await Cloud.Http.PutAsJsonAsync("/api/notifications/channels/xinyu-ding-page",
            new { party = "xinyu-property", kind = "dingTalk", url = Platforms.DingTalk.ToString(), secret = PlatformReceiver.DingTalkSecret, minSeverity = "major" });
        var saved = await put.Content.ReadAsStringAsync();
        Assert.True(put.StatusCode == HttpStatusCode.OK, saved);
        using var rota = await Cloud.Http.PutAsJsonAsync("/api/notifications/rota/xinyu-property", new { shifts = Array.Empty<object>(), fallback = "13800000009", supervisor = "13900000000" });
        Assert.Equal(HttpStatusCode.OK, rota.StatusCode);

        // No restart: the next critical order goes out on the stored channel, mentioning the stored rota's fallback.
        using var order = await Cloud.Http.PostAsJsonAsync("/api/work-orders", new { courtyard = "yikang-1", fault = "settings-check", title = "设置检查", target = "other", severity = "critical" });
        Assert.Equal(HttpStatusCode.Created, order.StatusCode);
        await CloudHost.WaitUntilAsync(() => Task.FromResult(Platforms.Received.Any(r => r.Platform == "dingtalk" && Text(r.Body).Contains("设置检查", StringComparison.Ordinal))), "the order reaching the stored DingTalk channel");
        var message = Platforms.Received.Last(r => r.Platform == "dingtalk" && Text(r.Body).Contains("设置检查", StringComparison.Ordinal)).Body;
        Assert.Equal("13800000009", message["at"]!["atMobiles"]![0]!.GetValue<string>());

        // Never shown again: not in the answer, the list, the page, the audit; sealed in the table.
        var list = await Cloud.Http.GetStringAsync(new Uri("/api/notifications/channels", UriKind.Relative));
        var page = await Cloud.Http.GetStringAsync(new Uri("/admin/notifications", UriKind.Relative));
        await using var scope = Cloud.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        var audit = string.Join("\n", await db.AuditLog.Where(a => a.Entity == "notificationChannel" || a.Entity == "notificationRota").Select(a => a.Action + " " + a.Detail).ToListAsync());
        var stored = await db.StoredChannels.AsNoTracking().SingleAsync(c => c.Name == "xinyu-ding-page");
        foreach (var text in new[] { saved, list, page, audit, stored.SealedSecret!, stored.SealedUrl, stored.Address })
        {
            Assert.DoesNotContain(PlatformReceiver.DingTalkSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(PlatformReceiver.DingTalkToken, text, StringComparison.Ordinal);
        }

        Assert.Contains("\"hasSecret\":true", list, StringComparison.Ordinal);
        Assert.Contains("created DingTalk of xinyu-property", audit, StringComparison.Ordinal);

        // An empty secret keeps it (the test message is signed right); a new one replaces it (the robot refuses the signature).
        using var keep = await Cloud.Http.PutAsJsonAsync("/api/notifications/channels/xinyu-ding-page", new { party = "xinyu-property", kind = "dingTalk", secret = "", minSeverity = "warning" });
        Assert.Equal(HttpStatusCode.OK, keep.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Cloud.Http.PostAsJsonAsync("/api/notifications/channels/xinyu-ding-page/test", new { })).StatusCode);
        await CloudHost.WaitUntilAsync(() => Task.FromResult(Platforms.Received.Any(r => r.Platform == "dingtalk" && Text(r.Body).Contains("测试消息", StringComparison.Ordinal))), "the test message signed with the kept secret");
        using var replace = await Cloud.Http.PutAsJsonAsync("/api/notifications/channels/xinyu-ding-page", new { party = "xinyu-property", kind = "dingTalk", secret = "SEC-a-new-wrong-one" });
        Assert.Equal(HttpStatusCode.OK, replace.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Cloud.Http.PostAsJsonAsync("/api/notifications/channels/xinyu-ding-page/test", new { })).StatusCode);
        await CloudHost.WaitUntilAsync(async () => (await Cloud.Http.GetStringAsync(new Uri("/admin/notifications", UriKind.Relative))).Contains("DingTalk errcode 310000", StringComparison.Ordinal), "the replaced secret's refusal in the log");
        Assert.Contains("secret replaced", string.Join("\n", await db.AuditLog.Where(a => a.EntityId == "xinyu-ding-page").Select(a => a.Detail).ToListAsync()), StringComparison.Ordinal);

        // Removed: the next message on it is not sent, and says why.
        Assert.Equal(HttpStatusCode.NoContent, (await Cloud.Http.DeleteAsync(new Uri("/api/notifications/channels/xinyu-ding-page", UriKind.Relative))).StatusCode);
        Assert.DoesNotContain("xinyu-ding-page", await Cloud.Http.GetStringAsync(new Uri("/api/notifications/channels", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"party\":\"xinyu-property\",\"kind\":\"webhook\",\"url\":\"http://hooks.example.com/x\",\"secret\":\"s\"}", "url", "only https is allowed outside loopback")]
    [InlineData("{\"party\":\"xinyu-property\",\"kind\":\"dingTalk\",\"url\":\"https://oapi.dingtalk.com/robot/send?access_token=t\"}", "secret", "signs its requests")]
    [InlineData("{\"party\":\"xinyu-property\",\"kind\":\"sms\",\"url\":\"https://dysmsapi.aliyuncs.com/\",\"secret\":\"s\"}", "accessKeyId", "AccessKey id")]
    [InlineData("{\"party\":\"xinyu-property\",\"kind\":\"weCom\",\"url\":\"not an address\"}", "url", "not an absolute http(s) address")]
    [InlineData("{\"party\":\"xinyu-property\",\"kind\":\"sms\",\"url\":\"https://dysmsapi.aliyuncs.com/\",\"secret\":\"s\",\"accessKeyId\":\"LTAI\",\"signName\":\"永昌院坝\",\"templates\":{\"alert\":\"SMS_1\"},\"phones\":[\"12345\"]}", "phones", "not a mobile number")]
    public async Task A_channel_the_configuration_would_refuse_is_refused_naming_the_field(string body, string field, string words)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var put = await Cloud.Http.PutAsync(new Uri("/api/notifications/channels/refused-one", UriKind.Relative), content);
        var problem = await put.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains($"{field}:", problem, StringComparison.Ordinal);
        Assert.Contains(words, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("refused-one", await Cloud.Http.GetStringAsync(new Uri("/api/notifications/channels", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_channel_or_rota_cannot_be_taken_over_and_problems_come_in_chinese_when_asked()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/notifications/channels/configured-hook")
        {
            Content = JsonContent.Create(new { party = "xinyu-property", kind = "webhook", url = Platforms.Webhook("evil").ToString(), secret = "x" }),
        };
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        using var taken = await Cloud.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        Assert.Contains("由配置文件设置", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await Cloud.Http.DeleteAsync(new Uri("/api/notifications/channels/configured-hook", UriKind.Relative))).StatusCode);
        using var rota = await Cloud.Http.PutAsJsonAsync("/api/notifications/rota/cable-works", new { fallback = "13800000001" });
        var refusal = await rota.Content.ReadAsStringAsync();
        Assert.True(rota.StatusCode == HttpStatusCode.BadRequest, refusal);
        Assert.True(refusal.Contains("set in configuration", StringComparison.Ordinal), refusal);
        var page = await Cloud.Http.GetStringAsync(new Uri("/admin/notifications", UriKind.Relative));
        Assert.Contains("由配置文件设置", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"edit-configured-hook\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_company_supervisor_edits_only_its_own_partys_channels_and_rota_and_nobody_else_may()
    {
        using var made = await Cloud.Http.PutAsJsonAsync("/api/notifications/channels/cable-wecom",
            new { party = "cable-works", kind = "weCom", url = Platforms.WeCom.ToString(), minSeverity = "major" });
        Assert.True(made.StatusCode == HttpStatusCode.OK, await made.Content.ReadAsStringAsync());
        using var wang = await Cloud.ClientAsync("xinyu-wang");

        using var own = await wang.PutAsJsonAsync("/api/notifications/channels/xinyu-wecom-2", new { party = "xinyu-property", kind = "weCom", url = Platforms.WeCom.ToString() });
        Assert.True(own.StatusCode == HttpStatusCode.OK, await own.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await wang.PutAsJsonAsync("/api/notifications/rota/xinyu-property", new { fallback = "13800000009" })).StatusCode);
        using var foreign = await wang.PutAsJsonAsync("/api/notifications/channels/xinyu-wecom-3", new { party = "cable-works", kind = "weCom", url = Platforms.WeCom.ToString() });
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Contains("unknown party", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await wang.PutAsJsonAsync("/api/notifications/channels/cable-wecom", new { party = "xinyu-property", kind = "weCom", url = Platforms.WeCom.ToString() })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await wang.DeleteAsync(new Uri("/api/notifications/channels/cable-wecom", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await wang.PostAsJsonAsync("/api/notifications/channels/cable-wecom/test", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await wang.PutAsJsonAsync("/api/notifications/rota/machine-tool", new { fallback = "13800000009" })).StatusCode);
        var mine = await wang.GetStringAsync(new Uri("/api/notifications/channels", UriKind.Relative));
        Assert.Contains("xinyu-wecom-2", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("cable-wecom", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("cable-wecom", await wang.GetStringAsync(new Uri("/admin/notifications", UriKind.Relative)), StringComparison.Ordinal);

        foreach (var user in new[] { "xinyu-li", "yikang-zhang", "cable-zhao" })
        {
            using var other = await Cloud.ClientAsync(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsJsonAsync("/api/notifications/rota/xinyu-property", new { fallback = "13800000001" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.DeleteAsync(new Uri("/api/notifications/channels/xinyu-wecom-2", UriKind.Relative))).StatusCode);
        }

        Assert.Equal("13800000009", (await Cloud.GetAsync<List<RotaView>>("/api/notifications/rota")).Single(r => r.Party == "xinyu-property").Fallback);
    }

    [Fact]
    public async Task Without_the_setting_the_page_takes_no_address_on_this_machine_or_a_private_network()
    {
        Assert.True(ChannelRules.IsLocal(new Uri("http://127.0.0.1:8086/query?q=DROP")));
        Assert.True(ChannelRules.IsLocal(new Uri("https://10.1.2.3/hook")));
        Assert.True(ChannelRules.IsLocal(new Uri("https://169.254.169.254/latest")));
        Assert.True(ChannelRules.IsLocal(new Uri("https://[::ffff:192.168.1.5]/")));
        Assert.True(ChannelRules.IsLocal(new Uri("https://localhost/")));
        Assert.True(ChannelRules.IsLocal(new Uri("https://influxdb/")));
        Assert.False(ChannelRules.IsLocal(new Uri("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")));
        var problems = ChannelRules.Check(Iot.Cloud.Notifications.Channels.ChannelKind.WeCom, new Uri("http://127.0.0.1:8086/query"), null, false, new ChannelRequest("p", Iot.Cloud.Notifications.Channels.ChannelKind.WeCom), mayBeLocal: false);
        Assert.Contains("private network", FormattableString.Invariant(Assert.Single(problems).Words), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1-5 08:00-18:00 13800000001", "Monday,Tuesday,Wednesday,Thursday,Friday 08:00-18:00 13800000001")]
    [InlineData("六,日 20:00-08:00 13800000002", "Saturday,Sunday 20:00-08:00 13800000002")]
    [InlineData("Sat-Mon 9:00-17:30 13800000003", "Saturday,Sunday,Monday 09:00-17:30 13800000003")]
    [InlineData("周一至周三 00:00-24:00 13800000004", "Monday,Tuesday,Wednesday 00:00-00:00 13800000004")]
    public void Shifts_typed_on_a_phone_are_read_in_chinese_english_or_numbers(string line, string expected)
    {
        var (shifts, bad) = ShiftText.Parse(line);
        Assert.Empty(bad);
        var s = Assert.Single(shifts);
        Assert.Equal(expected, $"{string.Join(',', s.Days)} {s.From:HH\\:mm}-{s.To:HH\\:mm} {s.Mobile}");
        Assert.Equal(shifts.Select(x => (string.Join(',', x.Days), x.From, x.To, x.Mobile)), ShiftText.Parse(ShiftText.Format(shifts)).Shifts.Select(x => (string.Join(',', x.Days), x.From, x.To, x.Mobile)));
    }

    [Fact]
    public async Task The_page_saves_a_channel_and_a_rota_with_its_antiforgery_token_and_names_a_wrong_field_in_chinese()
    {
        using var client = Cloud.Anonymous(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        (await client.PostAsJsonAsync("/api/session", new { userName = "xinyu-wang", password = CloudHost.Password })).EnsureSuccessStatusCode();
        var token = PageForm.Token(await client.GetStringAsync(new Uri("/admin/notifications", UriKind.Relative)));

        using var refused = await client.PostAsync(new Uri("/admin/notifications?handler=SaveChannel", UriKind.Relative), PageForm.With(token, new()
        {
            ["isNew"] = "true", ["name"] = "xinyu-page-hook", ["party"] = "xinyu-property", ["kind"] = "Webhook", ["url"] = Platforms.Webhook("page").ToString(), ["secret"] = "", ["minSeverity"] = "Warning",
        }));
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("密钥（secret）：Webhook 渠道要用密钥签名", html, StringComparison.Ordinal);
        Assert.Contains("value=\"xinyu-page-hook\"", html, StringComparison.Ordinal);

        using var saved = await client.PostAsync(new Uri("/admin/notifications?handler=SaveChannel", UriKind.Relative), PageForm.With(token, new()
        {
            ["isNew"] = "true", ["name"] = "xinyu-page-hook", ["party"] = "xinyu-property", ["kind"] = "Webhook", ["url"] = Platforms.Webhook("page").ToString(), ["secret"] = PlatformReceiver.WebhookSecret, ["minSeverity"] = "Warning",
        }));
        html = await saved.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("渠道 xinyu-page-hook 已保存", html, StringComparison.Ordinal);
        Assert.DoesNotContain(PlatformReceiver.WebhookSecret, html, StringComparison.Ordinal);

        using var test = await client.PostAsync(new Uri("/admin/notifications?handler=Test", UriKind.Relative), PageForm.With(token, new() { ["name"] = "xinyu-page-hook" }));
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        await Platforms.Accepted.GetOrAdd("page", _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var rota = await client.PostAsync(new Uri("/admin/notifications?handler=SaveRota", UriKind.Relative), PageForm.With(token, new()
        {
            ["party"] = "xinyu-property", ["shifts"] = "1-5 08:00-18:00 13800000001\n六,日 20:00-08:00 13800000002", ["fallback"] = "13800000009", ["supervisor"] = "",
        }));
        Assert.Equal(HttpStatusCode.OK, rota.StatusCode);
        using var badRota = await client.PostAsync(new Uri("/admin/notifications?handler=SaveRota", UriKind.Relative), PageForm.With(token, new()
        {
            ["party"] = "xinyu-property", ["shifts"] = "weekdays 8-18 li", ["fallback"] = "",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, badRota.StatusCode);
        Assert.Contains("班次（shifts）：第 1 行", await badRota.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var view = (await Cloud.GetAsync<List<RotaView>>("/api/notifications/rota")).Single(r => r.Party == "xinyu-property");
        Assert.Equal(2, view.Shifts.Count);

        // Without the token the form is refused.
        using var forged = await client.PostAsync(new Uri("/admin/notifications?handler=DeleteChannel", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "xinyu-page-hook" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("xinyu-page-hook", await Cloud.Http.GetStringAsync(new Uri("/api/notifications/channels", UriKind.Relative)), StringComparison.Ordinal);
    }

    private static string Text(System.Text.Json.Nodes.JsonObject body) => body["markdown"]?["text"]?.GetValue<string>() ?? string.Empty;
}
