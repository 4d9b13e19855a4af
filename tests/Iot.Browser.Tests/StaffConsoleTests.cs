using System.Net.Http.Json;
using System.Text.Json;
using Iot.Protocol.Messages;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>The staff console in Chromium: a lamp fails in a courtyard and the property worker sees it and repairs it.</summary>
[Collection(SharedBrowser.Name)]
public sealed class StaffConsoleTests(BrowserFixture fixture)
{
    [Fact]
    public Task Staff_see_a_failed_lamp_appear_live_then_take_and_fix_its_work_order() => fixture.RunAsync(async () =>
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/login");
        await BrowserFixture.ScreenshotAsync(page, "01-login-zh");
        await BrowserFixture.SignInAsync(page, "xinyu-li");
        Assert.EndsWith("/console", page.Url, StringComparison.Ordinal);
        await page.Locator("#live-state.on").WaitForAsync();

        // A marker on the window survives only if the page is never reloaded.
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        await using var agent = await LampAgent.ConnectAsync(fixture.Broker.Port);
        await agent.OnlineAsync();
        await agent.LampCurrentAsync(0.0);
        await agent.EventAsync(EventKind.LampBurntOut, "lamp-01");

        var row = page.Locator("#alerts tbody tr", new() { HasText = "路灯烧坏" });
        await row.WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the alert should arrive without a reload");
        Assert.Contains("重要", await row.Locator(".sev").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("新告警", await page.Locator("#live-announce").InnerTextAsync(), StringComparison.Ordinal);

        // The work order made for it is linked from the row as soon as it exists.
        var orderLink = row.Locator("[data-order-link]");
        await orderLink.WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "02-console-live-alert-zh");
        await orderLink.ClickAsync();
        await page.WaitForURLAsync("**/console/orders/*");
        Assert.Equal("新建", await page.Locator("#order-status").InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(page, "03-work-order-new-zh");

        await page.Locator("#take").ClickAsync();
        await Assertions.Expect(page.Locator("#order-status")).ToHaveTextAsync("维修中");
        Assert.Equal("李师傅", await page.Locator("#order-assignee").InnerTextAsync());
        await page.Locator("#fix-note").FillAsync("更换灯泡");
        await page.Locator("#mark-fixed").ClickAsync();
        await Assertions.Expect(page.Locator("#order-status")).ToHaveTextAsync("已修复");
        await Assertions.Expect(page.Locator("#audit")).ToContainTextAsync("更换灯泡");
        await BrowserFixture.ScreenshotAsync(page, "04-work-order-fixed-zh");

        // The courtyard page draws the plan with the failed lamp marked, and its charts.
        await page.GotoAsync("/console/courtyards/yikang-1");
        await Assertions.Expect(page.Locator("svg.plan a.device.alarm")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("tr.health-alarm")).ToContainTextAsync("路灯烧坏");
        Assert.Equal(3, await page.Locator("svg.chart").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "05-courtyard-zh");

        // The same console in English.
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("益康路1号院");
        await Assertions.Expect(page.Locator("#devices-title")).ToHaveTextAsync("Devices now");
        await page.GotoAsync("/console");
        await Assertions.Expect(page.Locator("#alerts-title")).ToHaveTextAsync("Alerts");
        await BrowserFixture.ScreenshotAsync(page, "06-console-en");
    });

    [Fact]
    public Task Another_companys_pages_are_refused_as_if_they_did_not_exist() => fixture.RunAsync(async () =>
    {
        // A work order of the Yikang Road property company.
        using var admin = await fixture.ApiAsync("street-chen");
        using var created = await admin.PostAsJsonAsync("/api/work-orders", new { courtyard = "yikang-15", fault = "broken-bench", title = "长椅损坏（馨宇）", target = "other" });
        created.EnsureSuccessStatusCode();
        var order = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        // Staff of the cable works (another party, same community) may not open it, nor the company's courtyard.
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "cable-zhao");
        var response = await page.GotoAsync($"/console/orders/{order}");
        Assert.Equal(404, response!.Status);
        Assert.DoesNotContain("长椅损坏", await page.ContentAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "07-cross-company-refused-zh");
        Assert.Equal(404, (await page.GotoAsync("/console/courtyards/yikang-15"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/api/work-orders/{order}"))!.Status);

        // Their own courtyard opens; the company's order is not in their queue.
        Assert.Equal(200, (await page.GotoAsync("/console/courtyards/yikang-6"))!.Status);
        await page.GotoAsync("/console");
        Assert.DoesNotContain("长椅损坏", await page.Locator("#orders").InnerTextAsync(), StringComparison.Ordinal);

        // A worker may not open the street office's account page.
        var worker = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(worker, "xinyu-li");
        var denied = await worker.GotoAsync("/admin/accounts");
        Assert.Equal(403, denied!.Status);
        await Assertions.Expect(worker.Locator("h1")).ToHaveTextAsync("无权访问");

        // Signed out, the console sends you to the sign-in page.
        var stranger = await fixture.NewPageAsync();
        await stranger.GotoAsync("/console");
        Assert.Contains("/login", stranger.Url, StringComparison.Ordinal);
    });
}
