using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iot.Cloud.Web;
using Iot.Protocol.Messages;
using Iot.Testing;
using Iot.Testing.Services;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>
/// The guided tour of README's "Try it" (issue 19), one step per role, on a cloud of its own so the pictures show the
/// tour and nothing another test left behind: staff see a forced gate arrive live, open its routed order and the
/// courtyard plan; the company's supervisor sees it overdue; the residents' committee reads the dashboard, the service
/// record and the weekly report; a resident opens what the courtyard's QR code encodes on a phone, reports a dark lamp
/// and tracks it; anyone reads the public safety page. Each step asserts what that person should see and saves a
/// screenshot to test-results/screenshots/tour, or with <c>IOT_UPDATE_SCREENS=1</c> to docs/tour for README.
/// </summary>
[Collection(TourCloud.Name)]
public sealed class TourTests(TourFixture fixture)
{
    [Fact]
    public Task The_tour_shows_each_role_what_it_came_for() => fixture.RunAsync(async () =>
    {
        // The tour's agent sends events, not readings: once the clock moves on, every sensor of its courtyard would be
        // "no data" (a real agent keeps sending). The street office gives that rule two hours' grace, as it may.
        using (var admin = await fixture.ApiAsync("street-chen"))
        {
            using var saved = await admin.PutAsJsonAsync("/api/rules/sensor-stale", new
            {
                name = "传感器无数据", kind = "stale", target = "device", fault = "sensor-stale", severity = "minor",
                parameters = new { missedSamples = 6, graceSeconds = 7200 },
            });
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        }

        // Property staff: the alert arrives on the open console, without a reload; its routed order; the courtyard plan.
        var staff = await DeskAsync();
        await BrowserFixture.SignInAsync(staff, "xinyu-li");
        await staff.Locator("#live-state.on").WaitForAsync();
        await Assertions.Expect(staff.Locator(".demo-banner")).ToContainTextAsync("演示数据");
        await staff.EvaluateAsync("() => { window.__sameDocument = true; }"); // survives only if the page is never reloaded
        await using var agent = await LampAgent.ConnectAsync(fixture.Broker.Port, "yikang-1", "yikang-1-a");
        await agent.OnlineAsync();
        await agent.EventAsync(EventKind.GateForced, "gate-01");
        var row = staff.Locator("#alerts tbody tr[data-courtyard=yikang-1]", new() { HasText = "门禁被强行打开" });
        await Assertions.Expect(row).ToContainTextAsync("益康路1号院");
        await Assertions.Expect(row.Locator(".sev")).ToContainTextAsync("紧急");
        await Assertions.Expect(staff.Locator("#live-announce")).ToContainTextAsync("新告警");
        await row.Locator("[data-order-link]").WaitForAsync();
        Assert.True(await staff.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the alert should arrive without a reload");
        await ShotAsync(staff, "01-staff-alert");

        await row.Locator("[data-order-link]").ClickAsync();
        await staff.WaitForURLAsync("**/console/orders/*");
        var order = long.Parse(staff.Url[(staff.Url.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(staff.Locator("#order-status")).ToHaveTextAsync("新建");
        await Assertions.Expect(staff.Locator("dl.facts")).ToContainTextAsync("昆明馨宇物业服务有限公司");
        await Assertions.Expect(staff.Locator("#order-fix-due")).Not.ToBeEmptyAsync();
        await ShotAsync(staff, "02-staff-order");

        await staff.Locator("dl.facts a[href='/console/courtyards/yikang-1']").ClickAsync();
        await Assertions.Expect(staff.Locator("h1")).ToHaveTextAsync("益康路1号院");
        await Assertions.Expect(staff.Locator("svg.plan a.device.alarm")).ToHaveCountAsync(1);
        await Assertions.Expect(staff.Locator("tr.health-alarm")).ToContainTextAsync("门禁被强行打开");
        await staff.Locator("#plan-title").EvaluateAsync("title => title.closest('section').scrollIntoView()");
        await ShotAsync(staff, "03-staff-courtyard");

        // The company's supervisor: nobody took the order within the company's 30 minutes for a critical fault. The
        // cloud's clock moves on 31 minutes; its next tick escalates the order to the supervisor.
        fixture.Clock.MoveForward(TimeSpan.FromMinutes(31));
        using var api = await fixture.ApiAsync("xinyu-wang");
        await ServiceProcess.WaitUntilAsync(
            async () => (await api.GetFromJsonAsync<JsonElement>($"/api/work-orders/{order}")).GetProperty("order").GetProperty("escalationLevel").GetInt32() >= 1,
            TimeSpan.FromSeconds(30), "the rules' tick escalating the late order");
        var supervisor = await DeskAsync();
        await BrowserFixture.SignInAsync(supervisor, "xinyu-wang");
        await supervisor.GotoAsync("/console?queue=overdue");
        var late = supervisor.Locator($"#orders tr[data-order-id=\"{order}\"]");
        await Assertions.Expect(late).ToContainTextAsync("门禁被强行打开");
        await Assertions.Expect(late).ToContainTextAsync("已升级督办：王经理");
        await Assertions.Expect(supervisor.Locator("#count-overdue")).ToHaveTextAsync("1");
        await ShotAsync(supervisor, "04-supervisor-overdue");

        // The residents' committee: the community's dashboard, the company's service record, the weekly report.
        var committee = await DeskAsync();
        await BrowserFixture.SignInAsync(committee, "yikang-zhang");
        Assert.EndsWith("/dashboard", committee.Url, StringComparison.Ordinal);
        await Assertions.Expect(committee.Locator(".report-of")).ToContainTextAsync("益康路社区");
        await Assertions.Expect(committee.Locator("#safety-title")).ToHaveTextAsync("各社区、街区安全情况");
        await Assertions.Expect(committee.Locator("main")).ToContainTextAsync(new Regex("未修复的故障\\s+益康路1号院 ·\\s+门禁"));
        await ShotAsync(committee, "05-committee-dashboard");
        var record = committee.Locator("section[aria-labelledby=record-title]");
        await Assertions.Expect(record).ToContainTextAsync("昆明馨宇物业服务有限公司");
        await record.ScrollIntoViewIfNeededAsync();
        await ShotAsync(committee, "06-committee-service-record", record);
        Assert.DoesNotContain("永兴路东街区", await committee.ContentAsync(), StringComparison.Ordinal); // its own community only
        var csv = await committee.RunAndWaitForDownloadAsync(() => committee.GetByRole(AriaRole.Link, new() { Name = "导出服务记录 CSV（按单位）" }).ClickAsync());
        Assert.StartsWith("supervision-party-", csv.SuggestedFilename, StringComparison.Ordinal);
        await committee.GetByRole(AriaRole.Link, new() { Name = "打印周报" }).ClickAsync();
        await Assertions.Expect(committee.Locator("h1")).ToHaveTextAsync("益康路社区院坝安全周报");
        await ShotAsync(committee, "07-committee-weekly");
        await committee.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(committee.Locator("h1")).ToHaveTextAsync("益康路社区: weekly safety report");

        // A resident scans the courtyard's QR code on a phone: the address it encodes opens the report form.
        var qr = QrAddress.Choose(null, fixture.BaseUrl).ReportUrl("yikang-1");
        var phone = await fixture.NewPageAsync(phone: true);
        await phone.GotoAsync(qr.ToString());
        await Assertions.Expect(phone.Locator("h1")).ToContainTextAsync("益康路1号院");
        await Assertions.Expect(phone.Locator(".emergency")).ToContainTextAsync("119");
        await phone.GetByLabel("路灯不亮").CheckAsync();
        await phone.GetByLabel("补充说明（可不填）").FillAsync("2栋楼道口的灯晚上不亮");
        await ShotAsync(phone, "08-resident-report", whole: true);
        await phone.GetByRole(AriaRole.Button, new() { Name = "提交报修" }).ClickAsync();
        await phone.WaitForURLAsync("**/r/track/*");
        await Assertions.Expect(phone.Locator("#tracking-code")).ToHaveTextAsync(new Regex("^[2-9A-Z]{8}$"));
        await Assertions.Expect(phone.Locator("#status-words")).ToHaveTextAsync("已收到，等待安排维修");
        await Assertions.Expect(phone.Locator("#expected")).ToContainTextAsync("预计修好时间");
        await Assertions.Expect(phone.Locator("main")).ToContainTextAsync("0871-6810-2201");
        await ShotAsync(phone, "09-resident-track", whole: true);

        // Anyone: the public safety page, no sign-in, on a phone.
        var anyone = await fixture.NewPageAsync(phone: true);
        await anyone.GotoAsync("/safety");
        await Assertions.Expect(anyone.Locator("h1")).ToHaveTextAsync("永昌街道院坝安全公示");
        await Assertions.Expect(anyone.Locator(".block-card")).ToHaveCountAsync(6);
        await Assertions.Expect(anyone.Locator("#record-title")).ToBeVisibleAsync();
        await ShotAsync(anyone, "10-public-safety");
    });

    // A desk screen a little smaller than the other tests' so the pictures stay small; what fits in one screen is what
    // a person sees first, so the pictures are of the screen, not the whole page.
    private async Task<IPage> DeskAsync()
    {
        var page = await fixture.NewPageAsync(1280);
        await page.SetViewportSizeAsync(1280, 800);
        return page;
    }

    // The screen, one part of the page, or (a phone's form, read by scrolling) the whole page.
    private static async Task ShotAsync(IPage page, string name, ILocator? part = null, bool whole = false)
    {
        var path = Path.Combine(TourFixture.Pictures, name + ".png");
        if (part is null)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = whole });
        }
        else
        {
            await part.ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
        }
    }
}

/// <summary>
/// The tour's own cloud (a clean database, so its pictures show the tour only) with the demo's banner on, as
/// <c>./run.sh</c> shows it. The demo staff are on for the banner but wait a day before they take an order, so they
/// never act within the tour.
/// </summary>
public sealed class TourFixture : BrowserFixture
{
    /// <summary>Where the tour's pictures go: test-results/screenshots/tour, or docs/tour when remade (<see cref="BrowserFixture.UpdateDocs"/>).</summary>
    public static string Pictures { get; } = DocFolder("tour");

    protected override IReadOnlyDictionary<string, string?> MoreSettings { get; } = new Dictionary<string, string?>
    {
        ["Demo:Staff"] = "true",
        ["Demo:AcknowledgeMinSeconds"] = "86400",
        ["Demo:AcknowledgeMaxSeconds"] = "86400",
        ["Broker:ClientId"] = "iot-cloud-browser-tour",
    };
}

[CollectionDefinition(Name)]
public sealed class TourCloud : ICollectionFixture<TourFixture>
{
    public const string Name = "tour";
}
