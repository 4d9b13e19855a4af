using System.Net;
using System.Net.Http.Json;
using Iot.Cloud.Reports;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Reports;

/// <summary>
/// A flood of reports of one fault is one order with a count, not a wall of orders that uses up the courtyard's
/// allowance: residents from 40 addresses (behind the TLS proxy on 127.0.0.1) report the same lamp within the hour.
/// </summary>
public sealed class ReportMergeTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Forty_reports_of_one_fault_make_one_order_with_a_count_and_a_later_charger_report_is_not_blocked()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), new Dictionary<string, string?>
        {
            ["Web:KnownProxies:0"] = "127.0.0.1",
            ["Reports:PerCourtyardPerHour"] = "3",
        }, kestrel: true);
        using var api = cloud.Anonymous();
        var receipts = new List<ReportReceipt>();
        for (var i = 1; i <= 40; i++)
        {
            using var answer = await ReportAsync(api, $"203.0.113.{i}", "lamp", $"第{i}位居民：3栋门口的灯不亮");
            Assert.True(answer.StatusCode == HttpStatusCode.Created, $"report {i}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            receipts.Add((await answer.Content.ReadFromJsonAsync<ReportReceipt>(Json.Options))!);
        }

        // One order, 40 residents, 40 tracking codes.
        var orders = (await cloud.GetAsync<List<WorkOrderView>>("/api/work-orders?courtyard=yikang-9")).Where(o => o.Source == WorkOrderSource.Resident).ToList();
        var order = Assert.Single(orders);
        Assert.Equal(40, order.ResidentReports);
        Assert.Single(receipts.Select(r => r.Number).Distinct());
        Assert.Equal(40, receipts.Select(r => r.TrackingCode).Distinct().Count());
        Assert.Equal(40, receipts[^1].Residents);

        // A charger report after the flood opens its own (critical) order: the courtyard's allowance was not used up.
        using (var charger = await ReportAsync(api, "198.51.100.7", "charger", "车棚插座冒烟"))
        {
            Assert.Equal(HttpStatusCode.Created, charger.StatusCode);
        }

        Assert.Single(await cloud.GetAsync<List<WorkOrderView>>("/api/work-orders?courtyard=yikang-9"), o => o.Fault == "reported-charger");

        // Each code follows the shared order: staff take it on, and the last resident's page says so, with the count.
        (await cloud.Http.PostAsJsonAsync($"/api/work-orders/{order.Id}/status", new { status = "inProgress" })).EnsureSuccessStatusCode();
        var status = await cloud.GetAsync<ReportStatus>($"/api/reports/{receipts[^1].TrackingCode}");
        Assert.Equal(WorkOrderStatus.InProgress, status.Status);
        Assert.Equal(40, status.Residents);
        var page = await api.GetStringAsync(new Uri($"/r/track/{receipts[17].TrackingCode}", UriKind.Relative));
        Assert.Contains("已有 40 位居民报修了这个问题", page, StringComparison.Ordinal);
        Assert.Contains("正在维修", page, StringComparison.Ordinal);
        var console = await cloud.Http.GetStringAsync(new Uri($"/console/orders/{order.Id}", UriKind.Relative));
        Assert.Contains("已有 40 位居民报修了这个问题", console, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> ReportAsync(HttpClient api, string client, string category, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = JsonContent.Create(new ReportRequest("yikang-9", category, text, null, ReportKeys.New())) };
        request.Headers.Add("X-Forwarded-For", client);
        return await api.SendAsync(request);
    }
}
