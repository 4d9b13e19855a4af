using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Cloud.Alerts;
using Iot.Cloud.Reports;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Messages;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.WorkOrders;

/// <summary>
/// Issue 13, the integrity of the record: the supervised company works its orders but cannot confirm, close or cancel
/// what it was given, close a critical alert, or silence a critical rule; the community, the street office, the
/// telemetry or the reporting resident confirms a repair, and the order says which. Through HTTP on the real cloud,
/// with the demo accounts: xinyu-li (property staff of yikang-1), xinyu-wang (its supervisor), yikang-zhang (the
/// community), street-chen (the street office).
/// </summary>
public sealed class RecordIntegrityTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    private readonly string _data = broker.NewFolder("cloud");

    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<CloudHost> StartAsync()
    {
        var cloud = await CloudHost.StartAsync(broker.Port, _data, kestrel: true);
        await cloud.WaitReadyAsync();
        return cloud;
    }

    [Fact]
    public async Task Staff_cannot_verify_or_close_their_own_order_and_the_community_confirms_it_by_name()
    {
        await using var cloud = await StartAsync();
        using var staff = await cloud.ClientAsync("xinyu-li");
        using var supervisor = await cloud.ClientAsync("xinyu-wang");
        using var community = await cloud.ClientAsync("yikang-zhang");
        var order = await CreatedAsync(staff, new { courtyard = "yikang-1", fault = "broken-bench", title = "长椅损坏", target = "other" });
        await MoveAsync(staff, order, "inProgress", HttpStatusCode.OK);
        await MoveAsync(staff, order, "fixed", HttpStatusCode.OK);

        // The company's own people may not say their repair held, by any road.
        foreach (var (client, status) in new[] { (staff, "verified"), (supervisor, "verified"), (staff, "closed"), (supervisor, "closed") })
        {
            var refused = await MoveAsync(client, order, status, HttpStatusCode.Forbidden);
            Assert.Contains("does not confirm its own repair", refused, StringComparison.Ordinal);
        }

        var detail = await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order}");
        Assert.Equal(WorkOrderStatus.Fixed, detail.Order.Status);
        Assert.DoesNotContain(WorkOrderStatus.Verified, (await GetAsync<WorkOrderDetail>(staff, $"/api/work-orders/{order}")).NextStatuses);
        Assert.Contains(WorkOrderStatus.Verified, (await GetAsync<WorkOrderDetail>(community, $"/api/work-orders/{order}")).NextStatuses);

        // The community does, and the order names who and how; recovery is the fix it confirmed, not the confirmation.
        await MoveAsync(community, order, "verified", HttpStatusCode.OK);
        var closed = (await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order}")).Order;
        Assert.Equal(WorkOrderStatus.Closed, closed.Status);
        Assert.Equal((Verification.Community, "yikang-zhang"), (closed.VerifiedVia!.Value, closed.VerifiedBy));
        Assert.Equal(closed.FixedAt, closed.RecoveredAt);
    }

    [Fact]
    public async Task The_community_sends_a_repair_back_with_what_is_still_wrong_and_staff_cannot_cancel_what_they_were_given()
    {
        await using var cloud = await StartAsync();
        using var staff = await cloud.ClientAsync("xinyu-li");
        using var community = await cloud.ClientAsync("yikang-zhang");
        using var resident = cloud.Anonymous();
        var report = await (await resident.PostAsJsonAsync("/api/reports", new ReportRequest("yikang-1", "gate"))).Content.ReadFromJsonAsync<ReportReceipt>(Json.Options);
        var order = (await cloud.GetAsync<List<WorkOrderView>>("/api/work-orders")).Single(o => o.TrackingCode == report!.TrackingCode).Id;

        // A resident's report is not the company's to make disappear.
        var cancel = await MoveAsync(staff, order, "cancelled", HttpStatusCode.Forbidden, note: "重复报修");
        Assert.Contains("cancelled by the community or the street office", cancel, StringComparison.Ordinal);

        // The community works no order; it sends a repair back, saying why.
        Assert.Contains("works its orders", await MoveAsync(community, order, "inProgress", HttpStatusCode.Forbidden), StringComparison.Ordinal);
        await MoveAsync(staff, order, "inProgress", HttpStatusCode.OK);
        await MoveAsync(staff, order, "fixed", HttpStatusCode.OK);
        Assert.Contains("needs a note", await MoveAsync(community, order, "inProgress", HttpStatusCode.BadRequest), StringComparison.Ordinal);
        await MoveAsync(community, order, "inProgress", HttpStatusCode.OK, note: "门锁还是关不上");
        var detail = await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order}");
        Assert.Equal(WorkOrderStatus.InProgress, detail.Order.Status);
        Assert.Contains(detail.Audit, a => a.Actor == "yikang-zhang" && a.Detail!.Contains("门锁还是关不上", StringComparison.Ordinal));

        // An order staff opened themselves (a duplicate, a mistake) they may cancel.
        var own = await CreatedAsync(staff, new { courtyard = "yikang-1", fault = "typo-order", title = "录错了", target = "other" });
        await MoveAsync(staff, own, "cancelled", HttpStatusCode.OK, note: "录入错误");
    }

    [Fact]
    public async Task The_resident_who_reported_it_confirms_the_repair_on_the_tracking_page_or_sends_it_back()
    {
        await using var cloud = await StartAsync();
        using var staff = await cloud.ClientAsync("xinyu-li");
        using var api = cloud.Anonymous();
        var code = (await (await api.PostAsJsonAsync("/api/reports", new ReportRequest("yikang-1", "lamp"))).Content.ReadFromJsonAsync<ReportReceipt>(Json.Options))!.TrackingCode;
        var order = (await cloud.GetAsync<List<WorkOrderView>>("/api/work-orders")).Single(o => o.TrackingCode == code).Id;
        using var resident = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = cloud.Http.BaseAddress };

        // Nothing to confirm before the company says it is fixed; then the page asks.
        Assert.DoesNotContain("id=\"confirm-fixed\"", await resident.GetStringAsync(new Uri($"/r/track/{code}", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal("NothingToConfirm", await PostTrackAsync(resident, code, "Confirm"));
        await MoveAsync(staff, order, "inProgress", HttpStatusCode.OK);
        await MoveAsync(staff, order, "fixed", HttpStatusCode.OK);
        Assert.Contains("修好了吗？", await resident.GetStringAsync(new Uri($"/r/track/{code}", UriKind.Relative)), StringComparison.Ordinal);

        // "Not fixed yet" on a fixed order sends it back to the company.
        Assert.Equal("Recorded", await PostTrackAsync(resident, code, "NotFixed", "word"));
        Assert.Equal(WorkOrderStatus.InProgress, (await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order}")).Order.Status);

        await MoveAsync(staff, order, "fixed", HttpStatusCode.OK);
        Assert.Equal("Confirmed", await PostTrackAsync(resident, code, "Confirm"));
        var closed = (await cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order}")).Order;
        Assert.Equal((WorkOrderStatus.Closed, Verification.Resident, "resident"), (closed.Status, closed.VerifiedVia!.Value, closed.VerifiedBy));
        Assert.Contains("已以报修人的名义确认修好", await resident.GetStringAsync(new Uri($"/r/track/{code}?confirmed=Confirmed", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_critical_alert_is_closed_only_by_the_street_office_and_a_window_never_silences_it()
    {
        await using var cloud = await StartAsync();
        using var staff = await cloud.ClientAsync("xinyu-li");
        using var supervisor = await cloud.ClientAsync("xinyu-wang");
        await using var agent = await TestAgent.ConnectAsync(broker.Port);

        // Windows: not the staff whose alerts they silence; at most 7 days; with a reason.
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsJsonAsync("/api/maintenance", new { courtyard = "yikang-1", until = now.AddHours(2), reason = "换灯" })).StatusCode);
        var tooLong = await supervisor.PostAsJsonAsync("/api/maintenance", new { courtyard = "yikang-1", until = now.AddDays(8), reason = "大修" });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("at most 7 days", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await supervisor.PostAsJsonAsync("/api/maintenance", new { courtyard = "yikang-1", until = now.AddDays(2), reason = " " })).StatusCode);
        // What a window silences must be of its courtyard: another courtyard's unit, or a device that is not there, is refused.
        foreach (var subject in new[] { "yikang-6-a", "yikang-1-a/no-such-device", "not a subject" })
        {
            var wrong = await supervisor.PostAsJsonAsync("/api/maintenance", new { courtyard = "yikang-1", subject, until = now.AddHours(2), reason = "换灯" });
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("is not a unit or device of yikang-1", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var lamp = await supervisor.PostAsJsonAsync("/api/maintenance", new { courtyard = "yikang-1", subject = "yikang-1-a/lamp-01", until = now.AddHours(2), reason = "换灯" });
        Assert.Equal(HttpStatusCode.Created, lamp.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await supervisor.PostAsJsonAsync("/api/maintenance", new { courtyard = "yikang-1", until = now.AddDays(7), reason = "更换大门" })).StatusCode);

        // The community sees it on its dashboard with who opened it; the public page says which company, not who.
        using var community = await cloud.ClientAsync("yikang-zhang");
        var dashboard = await community.GetStringAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.Contains("维护中", dashboard, StringComparison.Ordinal);
        Assert.Contains("更换大门 <small>王经理（昆明馨宇物业服务有限公司）开启", dashboard, StringComparison.Ordinal);
        var publicPage = await cloud.Anonymous().GetStringAsync(new Uri("/safety", UriKind.Relative));
        Assert.Contains("更换大门 <small>昆明馨宇物业服务有限公司开启", publicPage, StringComparison.Ordinal);
        Assert.DoesNotContain("王经理", publicPage, StringComparison.Ordinal);

        // A forced gate during the window is still an alert with its order: a critical rule is never silenced.
        await agent.EventAsync(1, EventKind.GateForced, "gate-01", DateTimeOffset.UtcNow);
        var alert = await WaitForAsync(cloud, a => a.RuleKey == "gate-forced" && a.WorkOrderId is not null);
        Assert.False(alert.Silenced);
        await agent.EventAsync(2, EventKind.GateClosed, "gate-01", DateTimeOffset.UtcNow);
        await WaitForAsync(cloud, a => a.Id == alert.Id && a.Status == AlertStatus.Cleared);

        // Cleared, yet the company may not close it by hand; the street office may.
        var refused = await staff.PostAsJsonAsync($"/api/alerts/{alert.Id}/close", new { note = "已处理" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("critical rule", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.PostAsJsonAsync($"/api/alerts/{alert.Id}/close", new { note = "街道核实" })).StatusCode);
    }

    private static async Task<long> CreatedAsync(HttpClient client, object body)
    {
        using var created = await client.PostAsJsonAsync("/api/work-orders", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    // Moves an order and checks the answer; returns the answer's text (the problem's detail when refused).
    private static async Task<string> MoveAsync(HttpClient client, long order, string status, HttpStatusCode expected, string? note = null)
    {
        using var answer = await client.PostAsJsonAsync($"/api/work-orders/{order}/status", new { status, note });
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == expected, $"{status}: {(int)answer.StatusCode} {text}");
        return text;
    }

    private static async Task<T> GetAsync<T>(HttpClient client, string url) =>
        (await client.GetFromJsonAsync<T>(new Uri(url, UriKind.Relative), Json.Options))!;

    private static async Task<AlertView> WaitForAsync(CloudHost cloud, Func<AlertView, bool> wanted)
    {
        AlertView? found = null;
        await CloudHost.WaitUntilAsync(async () => (found = (await cloud.GetAsync<List<AlertView>>("/api/alerts?status=all")).FirstOrDefault(wanted)) is not null, "alert");
        return found!;
    }

    // Sends a tracking page's form as a browser does (its antiforgery token) and returns the outcome it redirects with.
    private static async Task<string> PostTrackAsync(HttpClient resident, string code, string handler, string parameter = "confirmed")
    {
        var page = await resident.GetStringAsync(new Uri($"/r/track/{code}", UriKind.Relative));
        using var answer = await resident.PostAsync(new Uri($"/r/track/{code}?handler={handler}", UriKind.Relative), PageForm.With(PageForm.Token(page), []));
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        return answer.Headers.Location!.OriginalString.Split($"{parameter}=")[1];
    }
}
