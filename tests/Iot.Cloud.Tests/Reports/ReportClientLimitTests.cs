using System.Net;
using System.Net.Http.Json;
using Iot.Cloud.Reports;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Reports;

/// <summary>One client's hourly allowance of reports through the API: new reports count, resends of a report already made do not.</summary>
public sealed class ReportClientLimitTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task A_client_over_its_allowance_is_refused_new_reports_but_gets_the_receipt_of_one_it_sends_again()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), new Dictionary<string, string?> { ["Reports:PerClientPerHour"] = "2" });
        await cloud.WaitReadyAsync();
        using var api = cloud.Anonymous();
        var first = new ReportRequest("yikang-9", "gate", "门禁刷卡没反应", null, ReportKeys.New());
        using var one = await api.PostAsJsonAsync("/api/reports", first);
        using var two = await api.PostAsJsonAsync("/api/reports", first with { Text = "另一件事", Key = ReportKeys.New() });
        Assert.True(one.StatusCode == HttpStatusCode.Created, await one.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, two.StatusCode);

        using var third = await api.PostAsJsonAsync("/api/reports", first with { Text = "第三件事", Key = ReportKeys.New() });
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("this address has sent many reports", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var again = await api.PostAsJsonAsync("/api/reports", first);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var receipts = await Task.WhenAll(new[] { one, again }.Select(r => r.Content.ReadFromJsonAsync<ReportReceipt>(Json.Options)));
        Assert.Equal(receipts[0]!.TrackingCode, receipts[1]!.TrackingCode);
    }
}
