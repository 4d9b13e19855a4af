using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>
/// Every page of the site is read as a person reads it (<see cref="PageScan"/>): at 390 and 1400 px, in Chinese and in
/// English, no sideways scroll, 44 px targets, one language, names and no ids. Each part's pages are scanned by its own
/// tests; the pages anyone may open without signing in are scanned here, and a page added to the site without a scan
/// fails here until it has one.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class EveryPageTests(BrowserFixture fixture)
{
    // Each page of the site, and the tests that read it as its people do.
    private static readonly Dictionary<string, string> ScannedBy = new(StringComparer.Ordinal)
    {
        ["/"] = nameof(EveryPageTests),
        ["/login"] = nameof(EveryPageTests),
        ["/safety"] = nameof(EveryPageTests),
        ["/denied"] = nameof(EveryPageTests),
        ["/account/password"] = nameof(EveryPageTests),
        ["/status/{code:int}"] = nameof(EveryPageTests),
        ["/report"] = nameof(EveryPageTests),
        ["/r/{courtyard}"] = $"{nameof(EveryPageTests)}, {nameof(ResidentTests)}",
        ["/r/track/{code?}"] = $"{nameof(EveryPageTests)}, {nameof(ResidentTests)}",
        ["/console"] = nameof(ConsoleOnPhoneTests),
        ["/console/orders/{id:long}"] = nameof(ConsoleOnPhoneTests),
        ["/console/courtyards/{id}"] = nameof(ConsoleOnPhoneTests),
        ["/console/qr"] = nameof(AdminPagesTests),
        ["/admin/accounts"] = nameof(AdminPagesTests),
        ["/admin/rules"] = nameof(AdminPagesTests),
        ["/admin/notifications"] = nameof(AdminPagesTests),
        ["/dashboard"] = nameof(CommunityPagesTests),
        ["/dashboard/weekly"] = nameof(CommunityPagesTests),
        ["/dashboard/audit"] = nameof(CommunityPagesTests),
        ["/dashboard/patrols"] = nameof(CommunityPagesTests),
        ["/dashboard/volunteers"] = nameof(CommunityPagesTests),
        ["/patrol"] = nameof(PatrolTests),
        ["/patrol/{courtyard}"] = nameof(PatrolTests),
        ["/dashboard/assessment"] = nameof(AssessmentPagesTests),
        ["/dashboard/assessment/report"] = nameof(AssessmentPagesTests),
        ["/logout"] = "none: it only signs out (a post) and goes to the sign-in page",
    };

    [Fact]
    public void Every_page_of_the_site_is_read_by_a_test()
    {
        var pages = fixture.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items
            .OfType<PageActionDescriptor>()
            .Select(p => "/" + p.AttributeRouteInfo!.Template!.TrimStart('/'))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var unread = pages.Where(p => !ScannedBy.ContainsKey(p)).ToList();
        Assert.True(unread.Count == 0, "pages no test reads as a person does (add a scan, then list it here): " + string.Join(", ", unread));
        Assert.Empty(ScannedBy.Keys.Except(pages));
    }

    [Fact]
    public Task The_pages_open_to_everyone_fit_a_phone_and_a_wide_screen_and_speak_one_language() => fixture.RunAsync(async () =>
    {
        using var admin = await fixture.ApiAsync("street-chen");
        using var resident = new HttpClient { BaseAddress = fixture.BaseUrl };
        using var reported = await resident.PostAsJsonAsync("/api/reports", new { courtyard = "yikang-46", category = "drain", text = "下水道堵了" });
        reported.EnsureSuccessStatusCode();
        var code = (await reported.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("trackingCode").GetString();
        var known = await PageScan.KnownAsync(admin);
        var pages = new (string Name, string Url, string? User)[]
        {
            ("front", "/", null),
            ("login", "/login", null),
            ("safety", "/safety", null),
            ("report-choose", "/report", null),
            ("report-form", "/r/yikang-46", null),
            ("report-track", $"/r/track/{code}", null),
            ("not-found", "/status/404", null),
            ("denied", "/denied", "yikang-zhang"),
            ("password", "/account/password", "yikang-zhang"),
        };
        var problems = new List<string>();
        foreach (var english in new[] { false, true })
        {
            foreach (var width in new[] { 390, 1400 })
            {
                // One visitor per language and screen; the language chosen once, as a person does.
                var page = await fixture.NewPageAsync(width, english);
                foreach (var (name, url, user) in pages)
                {
                    if (user is not null)
                    {
                        // Signed in through the (Chinese) sign-in page, then in the language of this round.
                        page = await fixture.NewPageAsync(width);
                        await BrowserFixture.SignInAsync(page, user);
                        await page.GotoAsync(english ? $"/lang/en?back={Uri.EscapeDataString(url)}" : url);
                    }
                    else
                    {
                        await page.GotoAsync(url);
                    }

                    await page.Locator("footer.bottom").WaitForAsync();
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.DocScreens, $"public-{name}-{width}-{(english ? "en" : "zh")}.png"), FullPage = true });

                    // The tracking code is the resident's key, in neither language.
                    problems.AddRange(await PageScan.ScanAsync(page, $"{name} at {width} px in {(english ? "English" : "Chinese")}", english, known, same: [code!]));
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    });
}
