using System.Net;
using System.Text.RegularExpressions;

namespace Iot.Cloud.Tests.Supervision;

/// <summary>
/// Issue 22: the dashboard and the weekly report say each figure in one unit with its header aligned as its numbers,
/// explain every "—", and the weekly report is headed by whose report it is.
/// </summary>
[Collection(SharedServiceRecord.Name)]
public sealed partial class ServiceRecordPageTests(ServiceRecordCloud fixture)
{
    [Theory]
    [InlineData("yikang-zhang", "益康路社区院坝安全周报")]
    [InlineData("xinyu-wang", "昆明馨宇物业服务有限公司院坝安全周报")]
    [InlineData("street-chen", "永昌街道院坝安全周报")]
    public async Task The_weekly_report_is_headed_by_whose_report_it_is(string user, string heading)
    {
        using var client = await fixture.SignedInAsync(user, english: false);
        var page = await client.GetStringAsync(new Uri("/dashboard/weekly", UriKind.Relative));
        Assert.Equal(heading, H1().Match(page).Groups[1].Value);
        Assert.Equal(user == "street-chen", page.Contains("全部3个社区", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_weekly_report_of_a_community_is_headed_by_it_in_english_too()
    {
        using var client = await fixture.SignedInAsync("yikang-zhang", english: true);
        var page = await client.GetStringAsync(new Uri("/dashboard/weekly", UriKind.Relative));
        Assert.Equal("益康路社区: weekly safety report", H1().Match(page).Groups[1].Value);
    }

    [Fact]
    public async Task The_dashboard_states_each_unit_once_and_aligns_number_headers_as_their_numbers()
    {
        using var client = await fixture.SignedInAsync("yikang-zhang", english: false);
        var page = await client.GetStringAsync(new Uri("/dashboard", UriKind.Relative));
        var record = Table().Match(page, page.IndexOf("<table class=\"list figures\" id=\"service-record\"", StringComparison.Ordinal)).Value;

        // Minutes to acknowledge, hours to fix, shares in per cent, ratings: the same figures as the CSV.
        Assert.Contains(">响应时间中位数（分钟）<", record, StringComparison.Ordinal);
        Assert.Contains(">修复时间中位数（小时）<", record, StringComparison.Ordinal);
        var xinyu = Row().Matches(record).Select(m => m.Value).Single(r => r.Contains("昆明馨宇物业服务有限公司", StringComparison.Ordinal));
        Assert.Equal(["5", "10", "2.5", "5.5", "60%", "20%", "3", "4.0"], Cells().Matches(xinyu).Select(m => m.Groups[1].Value.Trim()));

        // The fix-time chart speaks hours as the table does.
        Assert.Contains("昆明馨宇物业 2.5</title>", page, StringComparison.Ordinal);

        // Every header over numbers is aligned as they are (class num, right-aligned by the stylesheet).
        var headers = Regex.Matches(record, "<th scope=\"col\"( class=\"num\")?>").Select(m => m.Groups[1].Success).ToList();
        Assert.Equal([false, true, true, true, true, true, true, true, true], headers);
    }

    [Fact]
    public async Task Every_dash_on_the_dashboard_says_why()
    {
        using var client = await fixture.SignedInAsync("yikang-zhang", english: false);
        var page = await client.GetStringAsync(new Uri("/dashboard", UriKind.Relative));

        // No courtyard unit has reported: no lamp readings at night, so 夜间亮灯率 is "—", with its reason.
        Assert.Contains("title=\"本期夜间没有路灯读数：院坝终端尚未上报。\">—</td>", page, StringComparison.Ordinal);
        Assert.Contains("夜间亮灯率为“—”：本期夜间没有路灯读数", page, StringComparison.Ordinal);
        Assert.Contains("夜间亮灯率标为“—”的一周没有夜间路灯读数", page, StringComparison.Ordinal);

        // 昆明电缆厂宿舍管理科's order was never acknowledged: its times and rating are "—", each with its reason.
        var cable = Row().Matches(page).Select(m => m.Value).First(r => r.Contains("昆明电缆厂宿舍管理科", StringComparison.Ordinal));
        Assert.Contains("title=\"本期没有已响应的工单\">—<", cable, StringComparison.Ordinal);
        Assert.Contains("title=\"本期没有已修复的工单\">—<", cable, StringComparison.Ordinal);
        Assert.Contains("title=\"本期没有评价\">—<", cable, StringComparison.Ordinal);
        Assert.Contains("“—”表示本期还没有可计算的数据", page, StringComparison.Ordinal);

        // The community's other parties had no order this week: each still has its row, 0 orders and every share "—",
        // saying why.
        var idle = Row().Matches(page).Select(m => m.Value).Where(r => r.Contains("title=\"本期没有工单\">—<", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(idle);
        Assert.All(idle, r => Assert.Equal("0", Cells().Matches(r).First().Groups[1].Value.Trim()));

        // A figure that exists carries no such title.
        var xinyu = Row().Matches(page).Select(m => m.Value).First(r => r.Contains("昆明馨宇物业服务有限公司", StringComparison.Ordinal));
        Assert.DoesNotContain("title=", xinyu, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_public_view_keeps_the_record_without_ratings()
    {
        using var anyone = fixture.Cloud.Anonymous();
        using var answer = await anyone.GetAsync(new Uri("/safety", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = await answer.Content.ReadAsStringAsync();
        Assert.Contains(">修复时间中位数（小时）<", page, StringComparison.Ordinal);
        Assert.DoesNotContain("评价数", page, StringComparison.Ordinal);
    }

    [GeneratedRegex("<h1>([^<]*)</h1>")]
    private static partial Regex H1();

    [GeneratedRegex("<table.*?</table>", RegexOptions.Singleline)]
    private static partial Regex Table();

    [GeneratedRegex("<tr>.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    [GeneratedRegex("<td[^>]*>([^<]*)</td>")]
    private static partial Regex Cells();
}
