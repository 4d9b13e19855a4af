using System.Net.Http.Json;
using System.Text.Json;
using Iot.Protocol.Messages;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>
/// Script in what residents and staff type is shown as text and never runs, in Chromium: a resident's report text, a
/// staff comment, and a rule name that becomes the title of an alert pushed live into the console (built by script).
/// Every payload would set <c>window.__xss</c> or open a dialog if it ran.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class HostileTextTests(BrowserFixture fixture)
{
    private const string ReportText = "<script>window.__xss='report'</script><img src=x onerror=\"window.__xss='report-img'\">灯不亮";
    private const string CommentText = "<svg onload=\"window.__xss='comment'\"></svg><script>alert('comment')</script>评论";
    private const string RuleName = "<img src=x onerror=\"window.__xss='rule';alert('rule')\">门禁被撬";

    [Fact]
    public Task Script_in_reports_comments_and_live_alert_titles_is_shown_as_text_and_never_runs() => fixture.RunAsync(async () =>
    {
        var dialogs = new List<string>();

        // A resident reports from the courtyard's page.
        var phone = await fixture.NewPageAsync(phone: true);
        phone.Dialog += (_, dialog) => { dialogs.Add(dialog.Message); _ = dialog.DismissAsync(); };
        await phone.GotoAsync("/r/yikang-9");
        await phone.GetByLabel("其他问题").CheckAsync();
        await phone.GetByLabel("补充说明（可不填）").FillAsync(ReportText);
        await phone.GetByRole(AriaRole.Button, new() { Name = "提交报修" }).ClickAsync();
        await phone.WaitForURLAsync("**/r/track/*");
        await AssertInertAsync(phone, dialogs);

        // The street office opens the console; a hostile rule name arrives as a live alert, built by script.
        var staff = await fixture.NewPageAsync();
        staff.Dialog += (_, dialog) => { dialogs.Add(dialog.Message); _ = dialog.DismissAsync(); };
        await BrowserFixture.SignInAsync(staff, "street-chen");
        await staff.GotoAsync("/console");
        await staff.Locator("#live-state.on").WaitForAsync();
        using var api = await fixture.ApiAsync("street-chen");
        (await api.PutAsJsonAsync("/api/rules/gate-forced", new
        {
            scope = "courtyard:yikang-9", name = RuleName, kind = "edgeEvent", target = "gate", fault = "gate-forced", severity = "critical",
            parameters = new { raiseOn = new[] { "gateForced" }, clearOn = new[] { "gateClosed" } },
        })).EnsureSuccessStatusCode();
        await using (var agent = await LampAgent.ConnectAsync(fixture.Broker.Port, "yikang-9", "yikang-9-a"))
        {
            await agent.OnlineAsync();
            await agent.EventAsync(EventKind.GateForced, "gate-01");
        }

        var row = staff.Locator("#alerts tbody tr", new() { HasText = "门禁被撬" });
        await row.WaitForAsync();
        Assert.Contains("<img src=x onerror=", await row.InnerTextAsync(), StringComparison.Ordinal);
        await AssertInertAsync(staff, dialogs);

        // The report's order: its text, and a comment typed on the page, are shown literally.
        var orders = await api.GetFromJsonAsync<JsonElement>("/api/work-orders?courtyard=yikang-9&limit=50");
        var order = orders.EnumerateArray().First(o => o.GetProperty("source").GetString() == "resident" && o.GetProperty("title").GetString()!.Contains("其他", StringComparison.Ordinal));
        await staff.GotoAsync($"/console/orders/{order.GetProperty("id").GetInt64()}");
        await Assertions.Expect(staff.Locator(".pre", new() { HasText = "灯不亮" })).ToHaveTextAsync(ReportText);
        await staff.Locator("#comment").FillAsync(CommentText);
        await staff.Locator("form[data-api$='/comments'] button[type=submit]").ClickAsync();
        await Assertions.Expect(staff.Locator("#comments .pre", new() { HasText = "评论" })).ToHaveTextAsync(CommentText);
        await AssertInertAsync(staff, dialogs);

        // The resident's tracking page and the console again, after a reload (rendered by the server this time).
        await phone.ReloadAsync();
        await AssertInertAsync(phone, dialogs);
        await staff.GotoAsync("/console");
        await Assertions.Expect(staff.Locator("#alerts tbody tr", new() { HasText = "门禁被撬" })).ToContainTextAsync("<img src=x onerror=");
        await AssertInertAsync(staff, dialogs);
    });

    private static async Task AssertInertAsync(IPage page, List<string> dialogs)
    {
        Assert.Null(await page.EvaluateAsync<string?>("() => window.__xss ?? null"));
        Assert.Empty(dialogs);
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.querySelectorAll('img[src=\"x\"], svg[onload], img[onerror]').length"));
    }
}
