using System.Net;
using System.Net.Http.Json;
using Iot.Cloud.Alerts;
using Iot.Cloud.Reports;
using Iot.Cloud.Rules;
using Iot.Cloud.Supervision;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Messages;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.WorkOrders;

/// <summary>The API around rules, alerts, work orders, resident reports and supervision, through HTTP on the real cloud.</summary>
public sealed class WorkApiTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    private readonly string _data = broker.NewFolder("cloud");

    // No retained status or cloud session of an earlier test reaches this one's cloud.
    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<CloudHost> StartAsync()
    {
        var cloud = await CloudHost.StartAsync(broker.Port, _data);
        await cloud.WaitReadyAsync();
        return cloud;
    }

    [Fact]
    public async Task A_rule_raised_before_a_restart_is_the_same_alert_after_it_and_clears_normally()
    {
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await using (var cloud = await StartAsync())
        {
            await agent.EventAsync(1, EventKind.GateForced, "gate-01", DateTimeOffset.UtcNow);
            await CloudHost.WaitUntilAsync(async () => (await cloud.GetAsync<List<AlertView>>("/api/alerts")).Any(a => a.RuleKey == "gate-forced"), "alert");
        }

        await using var restarted = await StartAsync();
        await agent.EventAsync(2, EventKind.GateForced, "gate-01", DateTimeOffset.UtcNow);
        await CloudHost.WaitUntilAsync(async () => (await restarted.GetAsync<List<AlertView>>("/api/alerts")).Single(a => a.RuleKey == "gate-forced").Count == 2, "repeat counted on the same alert");
        await agent.EventAsync(3, EventKind.GateClosed, "gate-01", DateTimeOffset.UtcNow);
        await CloudHost.WaitUntilAsync(async () => (await restarted.GetAsync<List<AlertView>>("/api/alerts")).Single(a => a.RuleKey == "gate-forced").Status == AlertStatus.Cleared, "cleared");
        Assert.Single(await restarted.GetAsync<List<WorkOrderView>>("/api/work-orders"));
    }

    [Fact]
    public async Task Rules_are_data_an_override_is_a_new_version_and_a_bad_rule_is_refused_with_reasons()
    {
        await using var cloud = await StartAsync();
        var rules = await cloud.GetAsync<List<RuleView>>("/api/rules");
        Assert.Contains(rules, r => r.Key == "drain-high-water" && r.Scope == "site" && r.Version == 1);

        var body = new { scope = "courtyard:yikang-1", name = "排水沟水位过高（低洼院坝）", kind = "threshold", target = "drain", fault = "drain-flood", severity = "critical", parameters = new { signal = "level", above = 15, clearBelow = 10, forSeconds = 10 } };
        var saved = await (await cloud.Http.PutAsJsonAsync("/api/rules/drain-high-water", body)).Content.ReadFromJsonAsync<RuleView>(Json.Options);
        Assert.Equal(1, saved!.Version);
        var again = await (await cloud.Http.PutAsJsonAsync("/api/rules/drain-high-water", body with { severity = "major" })).Content.ReadFromJsonAsync<RuleView>(Json.Options);
        Assert.Equal(2, again!.Version);

        var versions = await cloud.GetAsync<List<RuleView>>("/api/rules/drain-high-water/versions");
        Assert.Equal(3, versions.Count);
        Assert.NotNull(versions.Single(v => v.Scope == "courtyard:yikang-1" && v.Version == 1).SupersededAt);

        var bad = await cloud.Http.PutAsJsonAsync("/api/rules/drain-high-water", body with { scope = "courtyard:nowhere", parameters = new { signal = "level", above = 10, clearBelow = 20, forSeconds = 10 } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadAsStringAsync();
        Assert.Contains("inverted threshold", problem, StringComparison.Ordinal);
        Assert.Contains("there is no courtyard 'nowhere'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resident_report_becomes_a_routed_order_and_the_resident_follows_it_in_plain_words()
    {
        await using var cloud = await StartAsync();
        var receipt = await (await cloud.Http.PostAsJsonAsync("/api/reports", new { courtyard = "yikang-6", category = "lamp", text = "3栋楼道灯不亮", phone = "138 0000 0000" }))
            .Content.ReadFromJsonAsync<ReportReceipt>(Json.Options);
        Assert.Matches("^[2-9A-Z]{8}$", receipt!.TrackingCode);

        var order = Assert.Single(await cloud.GetAsync<List<WorkOrderView>>("/api/work-orders"));
        Assert.Equal("cable-works", order.Party);
        Assert.Equal(WorkOrderSource.Resident, order.Source);

        var status = await cloud.GetAsync<ReportStatus>($"/api/reports/{receipt.TrackingCode}");
        Assert.Equal("已收到，等待安排维修", status.StatusChinese);
        Assert.DoesNotContain("138", System.Text.Json.JsonSerializer.Serialize(status), StringComparison.Ordinal);

        await cloud.Http.PostAsJsonAsync($"/api/work-orders/{order.Id}/status", new { status = "inProgress" });
        await cloud.Http.PostAsJsonAsync($"/api/work-orders/{order.Id}/status", new { status = "fixed" });
        await cloud.Http.PostAsJsonAsync($"/api/work-orders/{order.Id}/status", new { status = "verified", note = "居民确认灯亮了" });
        Assert.Equal("已完成", (await cloud.GetAsync<ReportStatus>($"/api/reports/{receipt.TrackingCode}")).StatusChinese);

        var bad = await cloud.Http.PostAsJsonAsync("/api/reports", new { courtyard = "yikang-6", category = "ufo" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cloud.Http.GetAsync(new Uri("/api/reports/NOSUCHCODE", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Photos_must_really_be_images_and_not_too_large()
    {
        await using var cloud = await StartAsync();
        var created = await (await cloud.Http.PostAsJsonAsync("/api/work-orders", new { courtyard = "yikang-1", fault = "broken-bench", title = "长椅损坏", target = "other" }))
            .Content.ReadFromJsonAsync<WorkOrderView>(Json.Options);

        static MultipartFormDataContent Upload(byte[] bytes, string name, string type)
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
            form.Add(file, "photo", name);
            return form;
        }

        using var script = Upload("<script>alert(1)</script>"u8.ToArray(), "evil.jpg", "image/jpeg");
        var refused = await cloud.Http.PostAsync(new Uri($"/api/work-orders/{created!.Id}/photos", UriKind.Relative), script);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("only JPEG and PNG", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var png = Upload(Iot.Cloud.Tests.Support.TestPhotos.RedLeftBlueRight(20, 10, SkiaSharp.SKEncodedImageFormat.Png), "长椅<b>.png", "application/octet-stream");
        var stored = await (await cloud.Http.PostAsync(new Uri($"/api/work-orders/{created.Id}/photos", UriKind.Relative), png)).Content.ReadFromJsonAsync<PhotoView>(Json.Options);
        // Kept reduced, as an upright JPEG, whatever it came as.
        Assert.Equal("image/jpeg", stored!.ContentType);
        Assert.Equal("b.jpg", stored.FileName);
    }

    [Fact]
    public async Task The_supervision_record_exports_as_csv_with_chinese_names()
    {
        await using var cloud = await StartAsync();
        await cloud.Http.PostAsJsonAsync("/api/reports", new { courtyard = "yikang-1", category = "gate" });
        var view = await cloud.GetAsync<SupervisionView>("/api/supervision?groupBy=party");
        Assert.Equal("昆明馨宇物业服务有限公司", Assert.Single(view.Rows, r => r.Figures.Raised > 0).Name);

        // Every party that answers for a courtyard has its row, with or without orders.
        var answering = (await cloud.GetAsync<System.Text.Json.JsonElement>("/api/courtyards")).EnumerateArray()
            .Select(c => c.GetProperty("responsible").GetString()!).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(answering, view.Rows.Select(r => r.Figures.Key));

        var csv = await cloud.Http.GetByteArrayAsync(new Uri("/api/supervision/csv?groupBy=party", UriKind.Relative));
        var text = System.Text.Encoding.UTF8.GetString(csv);
        Assert.StartsWith("\uFEFF\"编号\",\"责任单位\",\"工单数\"", text, StringComparison.Ordinal);
        Assert.Contains("\"xinyu-property\",\"昆明馨宇物业服务有限公司\",1,0,0", text, StringComparison.Ordinal);
    }
}
