using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Iot.Cloud.Reports;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Reports;

/// <summary>
/// Beyond the first reports an hour from one address (IPv6: its /64), a report needs a solved challenge: bound to the
/// address that asked for it, good once. Clients are told apart by the TLS proxy on 127.0.0.1.
/// </summary>
public sealed partial class ReportChallengeTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private const string Resident = "203.0.113.40";

    [Fact]
    public async Task Beyond_the_free_reports_only_a_solved_challenge_of_ones_own_gets_a_report_through_and_only_once()
    {
        await using var cloud = await StartAsync();
        using var api = cloud.Anonymous();
        Assert.Equal(HttpStatusCode.Created, (await ReportAsync(api, Resident, "lamp")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ReportAsync(api, Resident, "gate")).StatusCode);

        using (var third = await ReportAsync(api, Resident, "drain"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            Assert.Contains("solved challenge", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Someone else's challenge, or a wrong solution, does not do.
        var others = await ChallengeAsync(api, "198.51.100.3");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ReportAsync(api, Resident, "drain", others.Challenge, Solve(others))).StatusCode);
        var mine = await ChallengeAsync(api, Resident);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ReportAsync(api, Resident, "drain", mine.Challenge, "not-a-solution")).StatusCode);

        var solution = Solve(mine);
        Assert.Equal(HttpStatusCode.Created, (await ReportAsync(api, Resident, "drain", mine.Challenge, solution)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ReportAsync(api, Resident, "other", mine.Challenge, solution)).StatusCode);

        // Another address of the same /64 is the same client; another /64 starts with its own free reports.
        Assert.Equal(HttpStatusCode.Created, (await ReportAsync(api, "2001:db8:5:6::1", "lamp")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ReportAsync(api, "2001:db8:5:6::2", "gate")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ReportAsync(api, "2001:db8:5:6:ffff::3", "drain")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ReportAsync(api, "2001:db8:5:7::1", "drain")).StatusCode);
    }

    [Fact]
    public async Task A_form_sent_without_script_beyond_the_free_reports_is_refused_in_chinese_with_the_entries_kept()
    {
        await using var cloud = await StartAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = cloud.Http.BaseAddress };
        foreach (var category in new[] { "lamp", "gate" })
        {
            using var free = await PostFormAsync(browser, category, solve: false);
            Assert.True(free.StatusCode == HttpStatusCode.Redirect, $"{(int)free.StatusCode}: {System.Text.RegularExpressions.Regex.Match(await free.Content.ReadAsStringAsync(), "id=\"report-error\"[\\s\\S]{0,300}").Value}");
        }

        using var refused = await PostFormAsync(browser, "drain", solve: false);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("一小时内从这里提交的报修已经有好几条了", page, StringComparison.Ordinal);
        Assert.Contains(">下水道堵了</textarea>", page, StringComparison.Ordinal);

        // What the page's script does: the form's own challenge, solved, goes through.
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(browser, "drain", solve: true)).StatusCode);
    }

    private Task<CloudHost> StartAsync() =>
        CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), new Dictionary<string, string?>
        {
            ["Web:KnownProxies:0"] = "127.0.0.1",
            ["Reports:FreeReportsPerClient"] = "2",
            ["Reports:ChallengeBits"] = "8",
        }, kestrel: true);

    private static async Task<ChallengeView> ChallengeAsync(HttpClient api, string client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/challenge");
        request.Headers.Add("X-Forwarded-For", client);
        using var response = await api.SendAsync(request);
        response.EnsureSuccessStatusCode();
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return (await response.Content.ReadFromJsonAsync<ChallengeView>(Json.Options))!;
    }

    private static string Solve(ChallengeView challenge) => Solve(challenge.Challenge, challenge.Bits);

    private static string Solve(string challenge, int bits)
    {
        for (var nonce = 0; ; nonce++)
        {
            var solution = nonce.ToString(CultureInfo.InvariantCulture);
            if (ReportChallenge.Solves(challenge, solution, bits))
            {
                return solution;
            }
        }
    }

    private static async Task<HttpResponseMessage> ReportAsync(HttpClient api, string client, string category, string? challenge = null, string? solution = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports")
        {
            Content = JsonContent.Create(new ReportRequest("yikang-12", category, null, null, ReportKeys.New(), challenge, solution)),
        };
        request.Headers.Add("X-Forwarded-For", client);
        return await api.SendAsync(request);
    }

    // As a browser sends the form: GET the page (its token and challenge), then POST it multipart from the same address.
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string category, bool solve)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "/r/yikang-12");
        get.Headers.Add("X-Forwarded-For", Resident);
        using var form = await browser.SendAsync(get);
        var page = await form.Content.ReadAsStringAsync();
        var challenge = Hidden(page, "challenge");
        var bits = int.Parse(DataBits().Match(page).Groups[1].Value, CultureInfo.InvariantCulture);
        using var content = new MultipartFormDataContent
        {
            { new StringContent(Hidden(page, "__RequestVerificationToken")), "__RequestVerificationToken" },
            { new StringContent(Hidden(page, "key")), "key" },
            { new StringContent(category), "category" },
            { new StringContent("下水道堵了"), "text" },
            { new StringContent(challenge), "challenge" },
            { new StringContent(solve ? Solve(challenge, bits) : string.Empty), "solution" },
        };
        using var post = new HttpRequestMessage(HttpMethod.Post, "/r/yikang-12") { Content = content };
        post.Headers.Add("X-Forwarded-For", Resident);
        return await browser.SendAsync(post);
    }

    private static string Hidden(string page, string name) =>
        WebUtility.HtmlDecode(Regex.Match(page, $"name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"").Groups[1].Value);

    [GeneratedRegex("data-bits=\"([0-9]+)\"")]
    private static partial Regex DataBits();
}
