using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Web;

/// <summary>
/// A refusal in the language of the page that asked (its script sends Accept-Language): Chinese with statuses in words
/// for a Chinese page, the API's English for a client that asks for nothing, and the template never sent.
/// </summary>
public sealed class ProblemLanguageTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task A_refusal_comes_back_in_chinese_to_a_chinese_page_and_in_english_to_a_plain_client()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"));
        await cloud.WaitReadyAsync();
        using var admin = await cloud.ClientAsync(CloudHost.StreetAdmin);
        using var created = await admin.PostAsJsonAsync("/api/work-orders", new { courtyard = "yikang-15", fault = "broken-bench", title = "长椅损坏", target = "other" });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var verify = new { status = "verified" };

        // A new order cannot be verified: the page reads why in its own language, statuses included.
        var chinese = await ProblemAsync(admin, $"/api/work-orders/{id}/status", verify, "zh-Hans");
        Assert.Equal(HttpStatusCode.Conflict, chinese.Status);
        Assert.Equal("工单当前为新建，不能改为已验收；可以改为：已派单、维修中、已取消。", chinese.Detail);
        Assert.Equal("Not possible now", chinese.Title);
        Assert.DoesNotContain("iot.words", chinese.Body, StringComparison.Ordinal);

        var english = await ProblemAsync(admin, $"/api/work-orders/{id}/status", verify, "en");
        Assert.Equal("a work order that is new cannot become verified; allowed: assigned, inProgress, cancelled", english.Detail);
        var plain = await ProblemAsync(admin, $"/api/work-orders/{id}/status", verify, null);
        Assert.Equal(english.Detail, plain.Detail);
        Assert.DoesNotContain("iot.words", plain.Body, StringComparison.Ordinal);

        // An argument that is data stays as it is; a refusal without a template gets a plain sentence, the English beside it.
        Assert.Equal("没有这个院坝：nowhere-1", (await ProblemAsync(admin, "/api/work-orders", new { courtyard = "nowhere-1", fault = "broken-bench", title = "x", target = "other" }, "zh-CN")).Detail);
        var unread = await ProblemAsync(admin, "/api/work-orders", new { courtyard = 12 }, "zh-CN");
        Assert.Equal(HttpStatusCode.BadRequest, unread.Status);
        Assert.Equal("提交的内容有误，请检查后再试。", unread.Detail);
        Assert.Contains("\"english\"", unread.Body, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string? Title, string? Detail, string Body)> ProblemAsync(HttpClient client, string url, object body, string? language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }

        using var answer = await client.SendAsync(request);
        var text = await answer.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(text).RootElement;
        return (answer.StatusCode, problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString(), text);
    }
}
