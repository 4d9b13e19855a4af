using System.Net;
using System.Net.Http.Json;

namespace Iot.Cloud.Tests.Assessment;

/// <summary>The assessment's pages in Chinese and English: the dashboard page, the printable report, the public grades, the notices on the community dashboard.</summary>
[Collection(SharedAssessmentCloud.Name)]
public sealed class AssessmentPageTests(AssessmentCloud fixture)
{
    private const string Remark = "夜间巡查记录不全";

    // 昆明电缆厂宿舍管理科's October signed off 不合格 (a notice opens); 馨宇's August scored but not signed.
    private async Task SignedOctoberAsync()
    {
        using var committee = await fixture.SignedInAsync("yikang-zhang");
        var sheets = await committee.GetFromJsonAsync<List<Iot.Cloud.Assessment.SheetView>>("/api/assessment/sheets?month=2026-10", Support.Json.Options);
        if (sheets!.Any(s => s.Party == "cable-works" && s.SignedAt is not null))
        {
            return;
        }

        (await committee.PostAsJsonAsync("/api/assessment/parties/cable-works/months/2026-10/score", new { committeeScore = 0, remarks = Remark })).EnsureSuccessStatusCode();
        (await committee.PostAsJsonAsync("/api/assessment/parties/cable-works/months/2026-10/sign", new { })).EnsureSuccessStatusCode();
    }

    [Theory]
    [InlineData(false, "月度考核", "不合格", "未关闭的整改通知", "居委会对")]
    [InlineData(true, "Monthly assessment", "Unsatisfactory", "Open rectification notices", "The committee&#x27;s score for")]
    public async Task The_assessment_page_shows_the_sheet_the_trend_and_the_notices_in_the_readers_language(bool english, string title, string grade, string notices, string form)
    {
        await SignedOctoberAsync();
        using var committee = await fixture.SignedInAsync("yikang-zhang", english);
        (await committee.PostAsJsonAsync("/api/assessment/parties/xinyu-property/months/2026-10/score", new { committeeScore = 80 })).EnsureSuccessStatusCode();
        var page = await committee.GetStringAsync(new Uri("/dashboard/assessment?month=2026-10", UriKind.Relative));

        Assert.Contains($"<h1>{title}</h1>", page, StringComparison.Ordinal);
        Assert.Contains(grade, page, StringComparison.Ordinal);
        Assert.Contains(notices, page, StringComparison.Ordinal);
        Assert.Contains("id=\"assessment-trend\"", page, StringComparison.Ordinal);
        Assert.Contains(form, page, StringComparison.Ordinal); // the unsigned 馨宇 sheet has the committee's form
        Assert.DoesNotContain("昆明安居物业", page, StringComparison.Ordinal); // another community's company
        Assert.DoesNotContain("assessment-thresholds", page, StringComparison.Ordinal); // the street office's form

        using var street = await fixture.SignedInAsync("street-chen", english);
        Assert.Contains("assessment-thresholds", await street.GetStringAsync(new Uri("/dashboard/assessment", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "2026-10月度考核报告", "打印")]
    [InlineData(true, "Monthly assessment report, 2026-10", "Print")]
    public async Task The_monthly_report_prints_for_the_street_office(bool english, string heading, string print)
    {
        await SignedOctoberAsync();
        using var street = await fixture.SignedInAsync("street-chen", english);
        var page = await street.GetStringAsync(new Uri("/dashboard/assessment/report?month=2026-10", UriKind.Relative));
        Assert.Contains($"<h1>{heading}</h1>", page, StringComparison.Ordinal);
        Assert.Contains(print, page, StringComparison.Ordinal);
        Assert.Contains("print-page", page, StringComparison.Ordinal);
        Assert.Contains("昆明电缆厂宿舍管理科", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "不合格")]
    [InlineData(true, "Unsatisfactory")]
    public async Task The_public_page_shows_signed_grades_by_month_and_never_the_remarks(bool english, string grade)
    {
        await SignedOctoberAsync();
        var resident = fixture.Cloud.Anonymous();
        if (english)
        {
            (await resident.GetAsync(new Uri("/lang/en?back=/safety", UriKind.Relative))).EnsureSuccessStatusCode();
        }

        var page = await resident.GetStringAsync(new Uri("/safety", UriKind.Relative));
        var grades = page[page.IndexOf("id=\"public-grades\"", StringComparison.Ordinal)..];
        Assert.Contains("2026-10", grades, StringComparison.Ordinal);
        Assert.Contains(grade, grades, StringComparison.Ordinal);
        Assert.DoesNotContain(Remark, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_community_dashboard_lists_open_notices_to_the_party_and_the_committee_only()
    {
        await SignedOctoberAsync();
        foreach (var (user, sees) in new[] { ("yikang-zhang", true), ("cable-zhao", true), ("xinyu-wang", false) })
        {
            using var client = await fixture.SignedInAsync(user);
            var page = await client.GetStringAsync(new Uri("/dashboard", UriKind.Relative));
            Assert.Contains("未关闭的整改通知", page, StringComparison.Ordinal);
            Assert.Equal(sees, page.Contains("昆明电缆厂宿舍管理科 · 2026-10整改通知", StringComparison.Ordinal));
        }

        Assert.Equal(HttpStatusCode.OK, (await fixture.Cloud.Anonymous().GetAsync(new Uri("/safety", UriKind.Relative))).StatusCode);
    }
}
