using System.Net.Http.Json;
using System.Text.Json;
using Iot.Cloud.Signing;
using Iot.Testing.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>
/// A property worker on a phone (390 px wide) switches a lamp for maintenance and asks the courtyard unit for its
/// status from the courtyard page; a real agent in-process carries both out, and its lamp relay really switches.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class CourtyardCommandsTests(BrowserFixture fixture)
{
    private const string Agent = "yikang-26-a";

    // Shown as text if it is ever parsed as HTML; runs nowhere.
    private const string Reason = "更换灯具<img src=x onerror=\"window.__xss='reason'\">";

    [Fact]
    public Task Staff_switch_a_lamp_for_a_while_and_ask_for_the_status_from_the_courtyard_page_on_a_phone() => fixture.RunAsync(async () =>
    {
        await using var agent = CourtyardAgent.Start(Agent, fixture.Broker.Port, fixture.Services.GetRequiredService<CloudSigner>().PublicKeyFile);
        var lamp = agent.Model.Lamp("lamp-02");
        using var api = await fixture.ApiAsync("xinyu-li");
        await ServiceProcess.WaitUntilAsync(
            async () => (await api.GetFromJsonAsync<JsonElement>($"/api/agents/{Agent}")).GetProperty("agent").GetProperty("presence").GetString() == "online",
            TimeSpan.FromSeconds(30),
            $"{Agent} online");

        var phone = await fixture.NewPageAsync(phone: true);
        await BrowserFixture.SignInAsync(phone, "xinyu-li");
        await phone.GotoAsync("/console/courtyards/yikang-26");
        var form = phone.Locator($"#lamp-form-{Agent}");
        await Assertions.Expect(form.Locator("h3")).ToHaveTextAsync("检修时开关路灯");
        await Assertions.Expect(phone.Locator("[data-command-empty]")).ToBeVisibleAsync();

        // Nothing sent without a reason and a time within 1 to 1440 minutes: the page names both.
        await form.GetByLabel("时长（分钟）").FillAsync("0");
        await form.Locator("button[type=submit]").ClickAsync();
        var error = form.Locator("[data-error]");
        await Assertions.Expect(error).ToContainTextAsync("时长（分钟）：请填写1到1440之间的整数。");
        await Assertions.Expect(error).ToContainTextAsync("请填写原因");
        await Assertions.Expect(form.Locator("[aria-invalid=true]")).ToHaveCountAsync(2);
        await BrowserFixture.ScreenshotAsync(phone, "commands-07-courtyard-lamp-missing-phone-zh");

        // The opposite of what its schedule says now, for 15 minutes.
        var scheduled = lamp.RelayOn;
        await form.GetByLabel("路灯").SelectOptionAsync("lamp-02");
        await form.GetByLabel("开关").SelectOptionAsync(scheduled ? "false" : "true");
        await form.GetByLabel("时长（分钟）").FillAsync("15");
        await form.GetByLabel("原因").FillAsync(Reason);
        await form.Locator("button[type=submit]").ClickAsync();
        var first = phone.Locator("[data-command-list] li").First;
        await Assertions.Expect(first.Locator(".command-state")).ToHaveTextAsync("已执行");
        await Assertions.Expect(first.Locator(".command-what")).ToHaveTextAsync($"{(scheduled ? "关灯" : "开灯")}15分钟（2栋楼道口路灯）");
        await Assertions.Expect(first.Locator(".meta")).ToContainTextAsync(Reason);
        Assert.Equal(!scheduled, lamp.RelayOn);
        Assert.True(await phone.EvaluateAsync<bool>("() => window.__xss === undefined"), "a reason must never run as script");

        // The unit is asked for its status and answers.
        await phone.Locator($"#status-form-{Agent} button").ClickAsync();
        await Assertions.Expect(phone.Locator("[data-command-list] li")).ToHaveCountAsync(2);
        await Assertions.Expect(first.Locator(".command-what")).ToHaveTextAsync("请求上报状态（院坝终端）");
        await Assertions.Expect(first.Locator(".command-state")).ToHaveTextAsync("已执行");

        // Nothing is wider than the phone.
        await phone.Locator("#commands").ScrollIntoViewIfNeededAsync();
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the courtyard page must not scroll sideways on a phone");
        await BrowserFixture.ScreenshotAsync(phone, "commands-08-courtyard-phone-zh");
    });
}
