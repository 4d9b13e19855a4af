using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iot.Cloud.Auth;
using Iot.Cloud.Kernel;
using Iot.Testing;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>
/// The street office's pages (issue 22, items 12 and 13) in Chromium: accounts, rules and the QR sheet fit a 390 px
/// phone and a 1400 px screen with 44 px targets, speak one language and name things instead of showing ids or role
/// codes; a wrong account form keeps its entries; the QR sheet opened at this loopback address warns, on screen and on
/// paper. The screenshots under docs/screens/admin-*.png are made here.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed partial class AdminPagesTests(BrowserFixture fixture)
{
    private static readonly string Screens = BrowserFixture.DocScreens;

    // Role codes as the program and the command line spell them: never shown where a role's name exists.
    // A volunteer's code is the English word for one (the page's English says "Volunteer"): every other role's code is not a word.
    private static readonly string[] RoleCodes = [.. Enum.GetNames<StaffRole>().Where(n => n != nameof(StaffRole.Volunteer)).SelectMany(n => new[] { n, char.ToLowerInvariant(n[0]) + n[1..] })];

    [Fact]
    public Task The_admin_pages_fit_a_phone_and_a_wide_screen_speak_one_language_and_name_things() => fixture.RunAsync(async () =>
    {
        using var admin = await fixture.ApiAsync("street-chen");
        var known = await PageScan.KnownAsync(admin);
        known = known with { Ids = [.. known.Ids.Concat(RoleCodes)] };
        var userNames = DemoAccounts.All.Select(a => a.UserName).ToList();
        var pages = new (string Name, string Url)[]
        {
            ("accounts", "/admin/accounts"),
            ("rules", "/admin/rules"),
            ("rules-edit", "/admin/rules?edit=drain-high-water&scope=block:yikang-north#edit"),
            ("qr", "/console/qr?community=yikang-road"),
            ("notifications", "/admin/notifications"),
        };
        var problems = new List<string>();
        foreach (var english in new[] { false, true })
        {
            foreach (var width in new[] { 390, 1400 })
            {
                var page = await fixture.NewPageAsync(width);
                await BrowserFixture.SignInAsync(page, "street-chen");
                if (english)
                {
                    await page.GotoAsync("/lang/en?back=/console");
                }

                foreach (var (name, url) in pages)
                {
                    await page.GotoAsync(url);
                    await page.Locator("footer.bottom").WaitForAsync();
                    if (name == "qr")
                    {
                        await Assertions.Expect(page.Locator(".qr-card img").Last).ToHaveJSPropertyAsync("complete", true);
                    }

                    var where = $"{name} at {width} px in {(english ? "English" : "Chinese")}";
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screens, $"admin-{name}-{width}-{(english ? "en" : "zh")}.png"), FullPage = true });
                    // Sign-in names are the accounts' own: what a clerk manages, neither language.
                    problems.AddRange(await PageScan.ScanAsync(page, where, english, known with { Ids = [.. known.Ids.Except(userNames)] }, $"{PageScan.Targets}, {AdminTargets}", userNames));
                }

                // On a phone the accounts are cards: a user name has the card's width, not one character per line.
                await page.GotoAsync("/admin/accounts");
                var cell = await page.Locator("#accounts tbody tr").First.Locator("td").First.BoundingBoxAsync();
                Assert.True(cell!.Width > (width < 600 ? 300 : 60) && cell.Height < 80, $"{width} px: the first account's first cell is {cell.Width}×{cell.Height} px");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    });

    [Fact]
    public Task A_wrong_account_form_on_a_phone_keeps_its_entries_and_marks_the_field() => fixture.RunAsync(async () =>
    {
        var page = await fixture.NewPageAsync(390);
        await BrowserFixture.SignInAsync(page, "street-chen");
        await page.GotoAsync("/admin/accounts");
        await page.Locator("#account-userName").FillAsync("zhou-shifu");
        await page.Locator("#account-displayName").FillAsync("周师傅");
        await page.Locator("#account-role").SelectOptionAsync("PropertyStaff");
        await page.Locator("#account-community").SelectOptionAsync("yikang-road");
        await page.Locator("#account-password").FillAsync("zhou-password-2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "创建账号" }).ClickAsync();

        await Assertions.Expect(page.Locator("#account-problems")).ToContainTextAsync("所属单位：物业员工账号要选一家物业公司。");
        await Assertions.Expect(page.Locator("#account-userName")).ToHaveValueAsync("zhou-shifu");
        await Assertions.Expect(page.Locator("#account-displayName")).ToHaveValueAsync("周师傅");
        await Assertions.Expect(page.Locator("#account-role")).ToHaveValueAsync("PropertyStaff");
        await Assertions.Expect(page.Locator("#account-community")).ToHaveValueAsync("yikang-road");
        await Assertions.Expect(page.Locator("#account-password")).ToHaveValueAsync(string.Empty);
        await Assertions.Expect(page.Locator("#account-party")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#error-Party")).ToBeVisibleAsync();
        Assert.Equal("3px", await page.Locator("#account-party").EvaluateAsync<string>("el => getComputedStyle(el).borderTopWidth"));
        Assert.Null(await page.Locator("#account-userName").GetAttributeAsync("aria-invalid"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth <= innerWidth"), "the refused form fits the phone");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screens, "admin-accounts-refused-390-zh.png"), FullPage = true });
    });

    [Fact]
    public Task The_qr_sheet_opened_at_a_loopback_address_warns_on_screen_and_on_paper() => fixture.RunAsync(async () =>
    {
        var page = await fixture.NewPageAsync(390);
        await BrowserFixture.SignInAsync(page, "street-chen");
        await page.GotoAsync("/console/qr?community=yikang-road");

        var warning = page.Locator("#qr-warning");
        await Assertions.Expect(warning).ToBeVisibleAsync();
        await Assertions.Expect(warning).ToContainTextAsync("请勿张贴这些二维码");
        await Assertions.Expect(warning).ToContainTextAsync(fixture.BaseUrl.GetLeftPart(UriPartial.Authority));
        await Assertions.Expect(warning).ToContainTextAsync("Web:PublicBaseUrl");
        var box = await warning.BoundingBoxAsync();
        Assert.True(box!.Y < 200, $"the warning starts {box.Y} px down: it must be the first thing seen");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "打印样稿" })).ToBeVisibleAsync();

        // On paper the header and the controls go, the warning and each card's mark stay.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(warning).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".qr-card .qr-void").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("header.top")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#print")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screens, "admin-qr-print-390-zh.png"), FullPage = false });
    });

    // The admin forms' controls are targets too.
    private const string AdminTargets = ".admin-form input:not([type=hidden]):not([type=checkbox]), .admin-form select, .admin-form label.check, #new-override select, .change-form select";
}
