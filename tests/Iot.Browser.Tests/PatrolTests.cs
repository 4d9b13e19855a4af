using Iot.Cloud.Tests.Support;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>
/// Issue 13, block patrols on a phone at 390 px: a volunteer walks a round without signal, marks flying-wire charging
/// with a photo, and the round goes when the signal returns; the finding reaches the company's console live, the
/// company fixes it, and the volunteer confirms the repair, which closes the order.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class PatrolTests(BrowserFixture fixture)
{
    [Fact]
    public Task A_volunteers_offline_round_becomes_a_live_order_the_company_fixes_and_the_volunteer_confirms() => fixture.RunAsync(async () =>
    {
        // The company's console is open, live.
        var staff = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(staff, "xinyu-li");
        await staff.Locator("#live-state.on").WaitForAsync();

        // The volunteer opens the patrol pages once with signal: the service worker keeps them for later.
        var phone = await fixture.NewPageAsync(390);
        await BrowserFixture.SignInAsync(phone, "yikang-hu");
        await phone.GotoAsync("/patrol");
        await Assertions.Expect(phone.Locator("h1")).ToHaveTextAsync("巡查");
        await phone.EvaluateAsync("() => navigator.serviceWorker.ready");
        await phone.GetByRole(AriaRole.Link, new() { Name = "益康路26号院" }).ClickAsync();
        await Assertions.Expect(phone.Locator("h1")).ToContainTextAsync("益康路26号院");
        await phone.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null");

        // In the courtyard there is no signal; the page opens anyway, from the phone.
        await phone.Context.SetOfflineAsync(true);
        await phone.ReloadAsync();
        await Assertions.Expect(phone.Locator("#patrol-form")).ToBeVisibleAsync();
        foreach (var item in await phone.Locator("fieldset.check").AllAsync())
        {
            var key = await item.GetAttributeAsync("data-item");
            await item.Locator(key == "flying-wire" ? "input[value=problem]" : "input[value=ok]").CheckAsync(new() { Force = true });
        }

        var finding = phone.Locator("#check-flying-wire .finding");
        await Assertions.Expect(finding).ToBeVisibleAsync();
        await finding.Locator("textarea").FillAsync("2栋一楼窗口飞线给电动车充电");
        await finding.Locator("input[type=file]").SetInputFilesAsync(TestPhotos.CameraPhotoFile());
        await Assertions.Expect(finding.Locator(".photo-status")).ToContainTextAsync("照片已准备好");
        await phone.GetByRole(AriaRole.Button, new() { Name = "发送巡查记录" }).ClickAsync();
        await Assertions.Expect(phone.Locator("#patrol-outbox")).ToContainTextAsync("没有信号");
        await BrowserFixture.DocScreenshotAsync(phone, "patrol-offline-390-zh");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "the patrol page should fit a phone's width");

        // The signal returns: the round goes by itself, once.
        await phone.Context.SetOfflineAsync(false);
        await Assertions.Expect(phone.Locator("#patrol-outbox")).ToContainTextAsync("巡查记录已发送");
        await Assertions.Expect(phone.Locator("#patrol-outbox")).ToContainTextAsync("WO-");

        // The company's console says so at once (the live feed), and its queue holds the critical order for 益康路26号院.
        await Assertions.Expect(staff.Locator("#orders-changed")).ToBeVisibleAsync();
        await staff.Locator("#orders-changed a").ClickAsync();
        var row = staff.Locator("#orders tr", new() { HasText = "巡查发现：飞线充电或室内充电" });
        await row.WaitForAsync();
        await Assertions.Expect(row).ToContainTextAsync("紧急");
        await row.Locator("a").First.ClickAsync();
        await Assertions.Expect(staff.Locator(".pre", new() { HasText = "2栋一楼窗口飞线" })).ToBeVisibleAsync();
        await staff.Locator("#take").ClickAsync();
        await Assertions.Expect(staff.Locator("#order-status")).ToHaveTextAsync("维修中");
        await staff.Locator("#fix-note").FillAsync("已劝导住户拆除飞线，电动车移至充电棚");
        await staff.Locator("#mark-fixed").ClickAsync();
        await Assertions.Expect(staff.Locator("#order-status")).ToHaveTextAsync("已修复");
        Assert.Equal(0, await staff.Locator("#verify").CountAsync());
        var order = staff.Url;

        // The volunteer confirms the repair on the phone, by name; the order closes.
        await phone.GotoAsync(order);
        await phone.Locator("#verify").ClickAsync();
        await Assertions.Expect(phone.Locator("#order-status")).ToHaveTextAsync("已关闭");
        await Assertions.Expect(phone.Locator("#order-verified")).ToContainTextAsync("胡阿姨");
        await BrowserFixture.DocScreenshotAsync(phone, "patrol-confirmed-390-zh");
        await staff.ReloadAsync();
        await Assertions.Expect(staff.Locator("#order-status")).ToHaveTextAsync("已关闭");
    });

    [Fact]
    public Task The_patrol_pages_fit_a_phone_and_a_wide_screen_and_speak_one_language() => fixture.RunAsync(async () =>
    {
        using var admin = await fixture.ApiAsync("street-chen");
        var known = await PageScan.KnownAsync(admin);
        var problems = new List<string>();
        foreach (var english in new[] { false, true })
        {
            foreach (var width in new[] { 390, 1400 })
            {
                var page = await fixture.NewPageAsync(width);
                await BrowserFixture.SignInAsync(page, "yikang-ma");
                if (english)
                {
                    await page.GotoAsync("/lang/en?back=/patrol");
                }

                foreach (var (name, url) in new[] { ("patrol", "/patrol"), ("patrol-courtyard", "/patrol/yikang-31") })
                {
                    await page.GotoAsync(url);
                    await page.Locator("footer.bottom").WaitForAsync();
                    var where = $"{name} at {width} px in {(english ? "English" : "Chinese")}";
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, $"{name}-{width}-{(english ? "en" : "zh")}.png"), FullPage = true });
                    problems.AddRange(await PageScan.ScanAsync(page, where, english, known));
                }

                // The building head walks the north block only.
                await page.GotoAsync("/patrol");
                Assert.Equal(0, await page.Locator("a.stop", new() { HasText = "益康路100号院" }).CountAsync());
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    });
}
