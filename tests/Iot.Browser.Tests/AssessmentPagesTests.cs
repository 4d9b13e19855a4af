using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>
/// The monthly assessment's pages as the committee and the street office read them, on a 390 px phone and a 1400 px
/// screen, in Chinese and English: no sideways scroll, 44 px targets, one language, names and no ids.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class AssessmentPagesTests(BrowserFixture fixture)
{
    [Fact]
    public Task The_assessment_page_and_its_printable_report_fit_a_phone_and_speak_one_language() => fixture.RunAsync(async () =>
    {
        // A month that has ended (this fixture runs on the real clock): one sheet scored, one signed off 不合格 with its notice.
        var month = DateTime.UtcNow.AddMonths(-2).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        using var committee = await fixture.ApiAsync("yikang-zhang");
        (await committee.PostAsJsonAsync($"/api/assessment/parties/xinyu-property/months/{month}/score", new { committeeScore = 85, remarks = "响应及时" })).EnsureSuccessStatusCode();
        using var street = await fixture.ApiAsync("street-chen");
        (await street.PutAsJsonAsync("/api/assessment/thresholds", new { excellent = 99, satisfactory = 98, needsRectification = 97, noticeDays = 30 })).EnsureSuccessStatusCode();
        try
        {
            (await committee.PostAsJsonAsync($"/api/assessment/parties/cable-works/months/{month}/score", new { committeeScore = 10, remarks = "门禁长期损坏" })).EnsureSuccessStatusCode();
            using var signed = await committee.PostAsJsonAsync($"/api/assessment/parties/cable-works/months/{month}/sign", new { });
            Assert.True(signed.IsSuccessStatusCode || signed.StatusCode == System.Net.HttpStatusCode.Conflict, $"sign-off: {(int)signed.StatusCode}");
        }
        finally
        {
            (await street.PutAsJsonAsync("/api/assessment/thresholds", new { excellent = 90, satisfactory = 75, needsRectification = 60, noticeDays = 30 })).EnsureSuccessStatusCode();
        }

        var known = await PageScan.KnownAsync(street);
        string[] typed = ["响应及时", "门禁长期损坏"]; // the committee's remarks: what people wrote is shown as written
        var problems = new List<string>();
        foreach (var user in new[] { "yikang-zhang", "street-chen" })
        {
            foreach (var english in new[] { false, true })
            {
                foreach (var width in new[] { 390, 1400 })
                {
                    var page = await fixture.NewPageAsync(width);
                    await BrowserFixture.SignInAsync(page, user);
                    if (english)
                    {
                        await page.GotoAsync("/lang/en?back=/dashboard");
                    }

                    foreach (var (name, url) in new[] { ("assessment", $"/dashboard/assessment?month={month}"), ("assessment-report", $"/dashboard/assessment/report?month={month}") })
                    {
                        await page.GotoAsync(url);
                        await page.Locator("footer.bottom").WaitForAsync();
                        await Assertions.Expect(page.Locator("#assessment-sheets tbody tr").First).ToBeVisibleAsync();
                        await Assertions.Expect(page.Locator("#assessment-notices")).ToContainTextAsync(english ? "graded unsatisfactory" : "不合格");
                        var where = $"{name} as {user} at {width} px in {(english ? "English" : "Chinese")}";
                        if (user == "street-chen")
                        {
                            await BrowserFixture.ScreenshotAsync(page, $"{name}-{width}-{(english ? "en" : "zh")}");
                        }

                        problems.AddRange(await PageScan.ScanAsync(page, where, english, known, same: typed));
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    });
}
