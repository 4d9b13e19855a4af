using System.Net;
using System.Net.Http.Json;
using System.Text;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Supervision;

/// <summary>
/// Issue 13: the audit page for the residents' committee and the street office, filtered by party, courtyard, person and
/// period, and its CSV; a committee sees its community's changes only, and nobody else opens it.
/// </summary>
public sealed class AuditPageTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_committee_reads_its_communitys_changes_by_person_and_courtyard_and_takes_them_as_csv()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"));
        await cloud.WaitReadyAsync();
        using var staff = await cloud.ClientAsync("xinyu-li");
        using var supervisor = await cloud.ClientAsync("xinyu-wang");
        using var committee = await cloud.ClientAsync("yikang-zhang");

        // Changes in two communities: Xinyu's staff open an order in yikang-1, its supervisor a window there, and the
        // street office opens an order in yongxing-6 (another community).
        (await staff.PostAsJsonAsync("/api/work-orders", new { courtyard = "yikang-1", fault = "broken-bench", title = "长椅损坏", target = "other" })).EnsureSuccessStatusCode();
        (await supervisor.PostAsJsonAsync("/api/maintenance", new { courtyard = "yikang-1", until = DateTimeOffset.UtcNow.AddHours(3), reason = "更换大门" })).EnsureSuccessStatusCode();
        (await cloud.Http.PostAsJsonAsync("/api/work-orders", new { courtyard = "yongxing-6", fault = "broken-light", title = "楼道灯坏", target = "other" })).EnsureSuccessStatusCode();
        (await cloud.Http.PostAsJsonAsync("/api/agents/yikang-1-a/commands/request-status", new { })).EnsureSuccessStatusCode();

        var page = await committee.GetStringAsync(new Uri("/dashboard/audit", UriKind.Relative));
        Assert.Contains("审计记录", page, StringComparison.Ordinal);
        Assert.Contains("工作人员新建：长椅损坏", page, StringComparison.Ordinal);
        Assert.Contains("更换大门", page, StringComparison.Ordinal);
        Assert.DoesNotContain("楼道灯坏", page, StringComparison.Ordinal); // another community's

        // Things by their names, never their ids: the command went to the courtyard's unit.
        Assert.Contains("发出远程操作", page, StringComparison.Ordinal);
        Assert.DoesNotContain("yikang-1-a", page, StringComparison.Ordinal);

        var byPerson = await committee.GetStringAsync(new Uri("/dashboard/audit?person=xinyu-wang", UriKind.Relative));
        Assert.Contains("更换大门", byPerson, StringComparison.Ordinal);
        Assert.DoesNotContain("长椅损坏", byPerson, StringComparison.Ordinal);
        Assert.DoesNotContain("长椅损坏", await committee.GetStringAsync(new Uri("/dashboard/audit?courtyard=yikang-6", UriKind.Relative)), StringComparison.Ordinal);

        // The street office sees every community; the CSV carries the same rows in the reader's language.
        Assert.Contains("楼道灯坏", await cloud.Http.GetStringAsync(new Uri("/dashboard/audit", UriKind.Relative)), StringComparison.Ordinal);
        var csv = await committee.GetByteArrayAsync(new Uri("/dashboard/audit?handler=Csv&courtyard=yikang-1", UriKind.Relative));
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csv[..3]);
        var lines = Encoding.UTF8.GetString(csv.AsSpan(3)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("\"时间\",\"账号\",\"操作人\",\"内容\",\"编号\",\"院坝\",\"责任单位\",\"操作\",\"详情\"", lines[0]);
        Assert.Contains(lines, l => l.Contains("\"xinyu-wang\",\"王经理\",\"维护时段\",\"yikang-1\",\"益康路1号院\",\"xinyu-property\",\"开启维护时段\"", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("yongxing", StringComparison.Ordinal));

        // The company it supervises does not open it.
        using var noRedirect = cloud.Client("xinyu-wang");
        Assert.NotEqual(HttpStatusCode.OK, (await noRedirect.GetAsync(new Uri("/dashboard/audit", UriKind.Relative))).StatusCode);
    }
}
