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

    [Fact]
    public Task The_committee_scores_and_signs_off_on_the_page_and_the_street_office_sets_the_thresholds() => fixture.RunAsync(async () =>
    {
        var month = DateTime.UtcNow.AddMonths(-3).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        using var committee = await fixture.ApiAsync("yikang-zhang");
        (await committee.PostAsJsonAsync($"/api/assessment/parties/machine-tool/months/{month}/score", new { committeeScore = 50 })).EnsureSuccessStatusCode();

        var page = await fixture.NewPageAsync(1400);
        await BrowserFixture.SignInAsync(page, "yikang-zhang");
        await page.GotoAsync($"/dashboard/assessment?month={month}");
        var form = page.Locator("form.committee-form[data-party='machine-tool']");
        await form.GetByLabel("居委会评分（0到100分）").FillAsync("88");
        await form.GetByLabel("评语").FillAsync("巡查认真");
        await form.GetByRole(AriaRole.Button, new() { Name = "保存评分" }).ClickAsync();
        await Assertions.Expect(page.Locator("#assessment-done")).ToHaveTextAsync("居委会评分已保存。");
        await page.Locator("form.committee-form[data-party='machine-tool']").GetByRole(AriaRole.Button, new() { Name = "签字确认" }).ClickAsync();
        await Assertions.Expect(page.Locator("#assessment-done")).ToHaveTextAsync("考核表已签字确认，等级不再改变。");
        await Assertions.Expect(page.Locator("form.committee-form[data-party='machine-tool']")).ToHaveCountAsync(0);
        var sheet = (await committee.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/assessment/parties/machine-tool")).GetProperty("sheets").EnumerateArray().Single(s => s.GetProperty("month").GetString() == month);
        Assert.Equal((88, "yikang-zhang"), (sheet.GetProperty("committeeScore").GetInt32(), sheet.GetProperty("signedBy").GetString()));

        // The street office's thresholds form refuses thresholds out of order, and saves good ones.
        var street = await fixture.NewPageAsync(1400);
        await BrowserFixture.SignInAsync(street, "street-chen");
        await street.GotoAsync("/dashboard/assessment");
        var thresholds = street.Locator("#assessment-thresholds");
        await thresholds.GetByLabel("合格分数线").FillAsync("95");
        await thresholds.GetByRole(AriaRole.Button, new() { Name = "保存分数线" }).ClickAsync();
        await Assertions.Expect(street.Locator("#assessment-refused")).ToContainTextAsync("依次递减");
        await street.Locator("#assessment-thresholds").GetByLabel("整改期限（天）").FillAsync("45");
        await street.Locator("#assessment-thresholds").GetByRole(AriaRole.Button, new() { Name = "保存分数线" }).ClickAsync();
        await Assertions.Expect(street.Locator("#assessment-done")).ToHaveTextAsync("分数线已保存。");
        using var admin = await fixture.ApiAsync("street-chen");
        try
        {
            Assert.Equal(45, (await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/assessment/thresholds")).GetProperty("noticeDays").GetInt32());
        }
        finally
        {
            (await admin.PutAsJsonAsync("/api/assessment/thresholds", new { excellent = 90, satisfactory = 75, needsRectification = 60, noticeDays = 30 })).EnsureSuccessStatusCode();
        }
    });

    [Fact]
    public Task The_party_answers_its_notice_on_the_page_and_the_committee_closes_it() => fixture.RunAsync(async () =>
    {
        // 昆明电缆厂宿舍管理科 signed off 不合格 (thresholds raised for the sign-off only), so a notice with the committee's remarks opens.
        var month = DateTime.UtcNow.AddMonths(-4).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        using var committee = await fixture.ApiAsync("yikang-zhang");
        using var admin = await fixture.ApiAsync("street-chen");
        (await admin.PutAsJsonAsync("/api/assessment/thresholds", new { excellent = 99, satisfactory = 98, needsRectification = 97, noticeDays = 30 })).EnsureSuccessStatusCode();
        long notice;
        try
        {
            (await committee.PostAsJsonAsync($"/api/assessment/parties/cable-works/months/{month}/score", new { committeeScore = 0, remarks = "车棚灯长期不亮" })).EnsureSuccessStatusCode();
            using var signed = await committee.PostAsJsonAsync($"/api/assessment/parties/cable-works/months/{month}/sign", new { });
            signed.EnsureSuccessStatusCode();
            notice = (await signed.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("notice").GetProperty("id").GetInt64();
        }
        finally
        {
            (await admin.PutAsJsonAsync("/api/assessment/thresholds", new { excellent = 90, satisfactory = 75, needsRectification = 60, noticeDays = 30 })).EnsureSuccessStatusCode();
        }

        var unit = await fixture.NewPageAsync(390);
        await BrowserFixture.SignInAsync(unit, "cable-zhao");
        await unit.GotoAsync("/dashboard/assessment");
        var card = unit.Locator($"[data-notice='{notice}']");
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "关闭整改通知" })).ToHaveCountAsync(0); // the party does not close its own notice
        await card.GetByLabel("维修内容").FillAsync("已更换车棚灯具");
        await card.GetByRole(AriaRole.Button, new() { Name = "标记为已整改" }).ClickAsync();
        await Assertions.Expect(unit.Locator("#assessment-done")).ToHaveTextAsync("整改情况已记录。");
        await Assertions.Expect(unit.Locator($"[data-notice='{notice}']")).ToContainTextAsync("已更换车棚灯具");

        var page = await fixture.NewPageAsync(1400);
        await BrowserFixture.SignInAsync(page, "yikang-zhang");
        await page.GotoAsync("/dashboard/assessment");
        var open = page.Locator($"[data-notice='{notice}']");
        await Assertions.Expect(open.GetByRole(AriaRole.Button, new() { Name = "标记为已整改" })).ToHaveCountAsync(0); // nor does the committee answer for it
        await open.GetByLabel("居委会复查情况").FillAsync("复查：灯已亮");
        await open.GetByRole(AriaRole.Button, new() { Name = "关闭整改通知" }).ClickAsync();
        await Assertions.Expect(page.Locator("#assessment-done")).ToHaveTextAsync("整改通知已关闭。");
        await Assertions.Expect(page.Locator($"[data-notice='{notice}']")).ToHaveCountAsync(0);
    });
}
