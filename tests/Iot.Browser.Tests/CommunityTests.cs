using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>The residents' side in Chromium (the community's dashboard, service record and weekly report: <see cref="TourTests"/>).</summary>
[Collection(SharedBrowser.Name)]
public sealed class CommunityTests(BrowserFixture fixture)
{
    [Fact]
    public Task A_resident_reports_a_dark_lamp_on_a_phone_and_follows_it_until_it_is_done() => fixture.RunAsync(async () =>
    {
        var phone = await fixture.NewPageAsync(phone: true);
        await phone.GotoAsync("/r/yikang-31");
        await Assertions.Expect(phone.Locator("h1")).ToContainTextAsync("益康路31号院");
        await BrowserFixture.ScreenshotAsync(phone, "11-resident-report-phone-zh");

        // Keyboard and labels: the pictogram tiles are a radio group named by their words.
        await phone.GetByLabel("路灯不亮").CheckAsync();
        await phone.GetByLabel("补充说明（可不填）").FillAsync("3栋楼道灯不亮 <img src=x onerror=\"window.__xss=1\">");
        await phone.GetByLabel("联系电话，需要回电时填写（可不填）").FillAsync("138 0000 0000");
        await phone.GetByRole(AriaRole.Button, new() { Name = "提交报修" }).ClickAsync();
        await phone.WaitForURLAsync("**/r/track/*");
        var code = await phone.Locator("#tracking-code").InnerTextAsync();
        Assert.Matches("^[2-9A-Z]{8}$", code);
        await Assertions.Expect(phone.Locator("#status-words")).ToHaveTextAsync("已收到，等待安排维修");
        Assert.DoesNotContain("138", await phone.ContentAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(phone, "12-resident-tracking-phone-zh");

        // The company supervisor finds it in the queue, takes it and fixes it; the resident who reported it confirms it.
        var staff = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(staff, "xinyu-wang");
        await staff.Locator("#orders a", new() { HasText = "WO-" }).First.WaitForAsync();
        await staff.Locator("#orders tr", new() { HasText = "居民报修：路灯" }).Locator("a").First.ClickAsync();
        await Assertions.Expect(staff.Locator(".pre", new() { HasText = "3栋楼道灯不亮" })).ToContainTextAsync("<img src=x onerror=");
        Assert.False(await staff.EvaluateAsync<bool>("() => window.__xss === 1"), "report text must be shown as text, never run");
        await staff.Locator("#take").ClickAsync();
        await Assertions.Expect(staff.Locator("#order-status")).ToHaveTextAsync("维修中");

        await phone.ReloadAsync();
        await Assertions.Expect(phone.Locator("#status-words")).ToHaveTextAsync("正在维修");

        await staff.Locator("#fix-note").FillAsync("更换灯管");
        await staff.Locator("#mark-fixed").ClickAsync();
        await Assertions.Expect(staff.Locator("#order-status")).ToHaveTextAsync("已修复");
        Assert.Equal(0, await staff.Locator("#verify").CountAsync()); // a company never confirms its own repair
        await Assertions.Expect(staff.Locator("#order-verified")).ToHaveTextAsync("尚未确认：由社区或报修居民确认");

        await phone.GotoAsync($"/r/track?code={code.ToLowerInvariant()}");
        await Assertions.Expect(phone.Locator("#confirm-title")).ToHaveTextAsync("修好了吗？");
        await phone.Locator("#confirm-fixed").ClickAsync();
        await Assertions.Expect(phone.Locator("#confirm-done")).ToContainTextAsync("已以报修人的名义确认修好");
        await Assertions.Expect(phone.Locator("#status-words")).ToHaveTextAsync("已完成");

        await staff.ReloadAsync();
        await Assertions.Expect(staff.Locator("#order-status")).ToHaveTextAsync("已关闭");
        await Assertions.Expect(staff.Locator("#order-verified")).ToContainTextAsync("报修居民确认");
        await BrowserFixture.ScreenshotAsync(phone, "13-resident-done-phone-zh");
    });

    [Fact]
    public Task The_public_pages_read_on_a_phone_without_signing_in() => fixture.RunAsync(async () =>
    {
        var phone = await fixture.NewPageAsync(phone: true);
        await phone.GotoAsync("/");
        await BrowserFixture.ScreenshotAsync(phone, "14-front-page-phone-zh");
        await phone.GetByRole(AriaRole.Link, new() { Name = "安全公示" }).First.ClickAsync();
        await Assertions.Expect(phone.Locator("h1")).ToHaveTextAsync("永昌街道院坝安全公示");
        Assert.Equal(6, await phone.Locator(".block-card").CountAsync());
        Assert.DoesNotContain("138", await phone.ContentAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(phone, "15-public-safety-phone-zh");

        // No horizontal scrolling of the page on a phone.
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "the public view should fit a phone's width");

        // The printed QR code of a courtyard links to its report page.
        var staff = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(staff, "street-chen");
        await staff.GotoAsync("/console/qr?community=yikang-road");
        await Assertions.Expect(staff.Locator(".qr-card")).ToHaveCountAsync(45);
        await Assertions.Expect(staff.Locator(".qr-card img").First).ToHaveJSPropertyAsync("complete", true);
        Assert.True(await staff.Locator(".qr-card img").First.EvaluateAsync<bool>("img => img.naturalWidth > 0"));
        await BrowserFixture.ScreenshotAsync(staff, "16-qr-sheet-zh");
        await staff.GotoAsync("/admin/accounts");
        await Assertions.Expect(staff.Locator("table.list")).ToContainTextAsync("yikang-zhang");
        await BrowserFixture.ScreenshotAsync(staff, "17-accounts-zh");
    });
}
