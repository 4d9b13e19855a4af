using System.Net;
using System.Net.Http.Json;
using Iot.Protocol.Messages;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>
/// Only those who may send a command see a form or button for one: the community supervisor (who watches, and changes
/// no order) reads the commands of a cut-off order and of its courtyard but gets no reset, lamp or status form; a resident
/// without an account does not get the page at all. The party's worker, on the same pages, does.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class CommandPermissionTests(BrowserFixture fixture)
{
    [Fact]
    public Task A_community_supervisor_sees_the_commands_but_no_form_to_send_one() => fixture.RunAsync(async () =>
    {
        // Outlet 1 of 益康路31号院's charging station is cut off; the critical alert makes its work order.
        await using var agent = await LampAgent.ConnectAsync(fixture.Broker.Port, "yikang-31", "yikang-31-a");
        await agent.OnlineAsync();
        await agent.EventAsync(EventKind.ChargerCutOff, "charger-01", outlet: 1);
        using var li = await fixture.ApiAsync("xinyu-li");
        var order = await ChargerResetTests.CutOffOrderAsync(li, "yikang-31", "yikang-31-a/charger-01/o1");

        // The worker resets the outlet and asks the unit for its status (it is not running, so no answer comes): commands to read.
        var checklist = new { batteryRemoved = true, socketInspected = true, noSmellOrSmoke = true };
        using var reset = await li.PostAsJsonAsync("/api/agents/yikang-31-a/commands/reset-outlet", new { device = "charger-01", outlet = 1, reason = "电池已移走，插座完好", checklist });
        reset.EnsureSuccessStatusCode();
        using var status = await li.PostAsync(new Uri("/api/agents/yikang-31-a/commands/request-status", UriKind.Relative), null);
        status.EnsureSuccessStatusCode();

        // The responsible company's worker gets the reset on the order and the lamp and status forms on the courtyard.
        var worker = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(worker, "xinyu-li");
        await worker.GotoAsync($"/console/orders/{order}");
        await Assertions.Expect(worker.Locator("#reset-form")).ToBeVisibleAsync();
        await worker.GotoAsync("/console/courtyards/yikang-31");
        await Assertions.Expect(worker.Locator("#commands form[data-command]")).ToHaveCountAsync(2);
        await Assertions.Expect(worker.Locator("#commands [data-command-list] li")).ToHaveCountAsync(2);

        // The community supervisor, on a phone: the same lists, no form, no button, and a word on who may.
        var viewer = await fixture.NewPageAsync(phone: true);
        await BrowserFixture.SignInAsync(viewer, "yikang-zhang");
        await viewer.GotoAsync($"/console/orders/{order}");
        await Assertions.Expect(viewer.Locator("#commands-title")).ToHaveTextAsync("远程操作");
        await Assertions.Expect(viewer.Locator("#commands-note")).ToHaveTextAsync("只有责任单位和街道办可以向终端发送远程操作。");
        await Assertions.Expect(viewer.Locator("#commands form")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.Locator("#commands button")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.Locator("#reset-outlet")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.Locator("#commands [data-command-list] li")).ToHaveCountAsync(1);
        await Assertions.Expect(viewer.Locator("#commands [data-command-list] li").First).ToContainTextAsync("复位1号插座（车棚电动车充电站）");
        await Assertions.Expect(viewer.Locator("#commands [data-command-list] li").First).ToContainTextAsync("李师傅");
        await BrowserFixture.ScreenshotAsync(viewer, "commands-09-viewer-order-phone-zh");
        await viewer.GotoAsync("/console/courtyards/yikang-31");
        await Assertions.Expect(viewer.Locator("#commands [data-command-list] li")).ToHaveCountAsync(2);
        await Assertions.Expect(viewer.Locator("#commands [data-command-list] li").First).ToContainTextAsync("请求上报状态（院坝终端）");
        await Assertions.Expect(viewer.Locator("#commands form")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.Locator("#commands button")).ToHaveCountAsync(0);
        Assert.True(await viewer.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the courtyard page must not scroll sideways on a phone");

        // What the page does not offer, the API refuses to the role.
        using var zhang = await fixture.ApiAsync("yikang-zhang");
        using var refused = await zhang.PostAsJsonAsync("/api/agents/yikang-31-a/commands/reset-outlet", new { device = "charger-01", outlet = 1, reason = "社区代为复位", checklist });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // A resident without an account is sent to sign in.
        var resident = await fixture.NewPageAsync(phone: true);
        await resident.GotoAsync($"/console/orders/{order}");
        Assert.Contains("/login", resident.Url, StringComparison.Ordinal);
        await Assertions.Expect(resident.Locator("#commands")).ToHaveCountAsync(0);
    });
}
