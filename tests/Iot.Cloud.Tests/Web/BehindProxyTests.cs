using System.Net;
using System.Net.Http.Json;
using Iot.Cloud.Reports;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Iot.Cloud.Tests.Web;

/// <summary>
/// The cloud behind a TLS proxy on 127.0.0.1 (Kestrel on a loopback port, so the peer address is real): residents are
/// told apart by the proxy's X-Forwarded-For, the scheme is the proxy's, and nobody else's forwarded headers count.
/// </summary>
public sealed class BehindProxyTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Two_residents_behind_one_proxy_get_separate_allowances()
    {
        await using var cloud = await StartAsync(trustLoopback: true);
        using var api = cloud.Anonymous();
        Assert.Equal(HttpStatusCode.Created, await ReportAsync(api, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.Created, await ReportAsync(api, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ReportAsync(api, "203.0.113.7"));

        // Before: every resident was the proxy, and the street shared one allowance.
        Assert.Equal(HttpStatusCode.Created, await ReportAsync(api, "198.51.100.9"));
    }

    [Fact]
    public async Task Forged_forwarded_headers_from_an_untrusted_peer_change_neither_address_nor_scheme()
    {
        await using var cloud = await StartAsync(trustLoopback: false);
        using var api = cloud.Anonymous();
        Assert.Equal(HttpStatusCode.Created, await ReportAsync(api, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.Created, await ReportAsync(api, "203.0.113.8"));

        // A new address each time buys nothing: the client is the peer, 127.0.0.1, and its allowance is used up.
        Assert.Equal(HttpStatusCode.TooManyRequests, await ReportAsync(api, "198.51.100.9"));

        // Nor does it make plain HTTP look like HTTPS to the same-origin check.
        using var post = SignIn("https://estate.example", forwardedProto: "https");
        using var refused = await api.SendAsync(post);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_post_from_an_https_page_behind_a_trusted_proxy_passes_the_same_origin_check_and_gets_a_secure_cookie()
    {
        await using var cloud = await StartAsync(trustLoopback: true);
        using var api = cloud.Anonymous(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using (var post = SignIn("https://estate.example", forwardedProto: "https"))
        using (var signedIn = await api.SendAsync(post))
        {
            Assert.True(signedIn.StatusCode == HttpStatusCode.OK, await signedIn.Content.ReadAsStringAsync());
            var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("iot.auth=", StringComparison.Ordinal));
            Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        }

        // Another site's page is still refused, and so is an https page when the proxy says the request came over http.
        using (var post = SignIn("https://evil.example", forwardedProto: "https"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(post)).StatusCode);
        }

        using (var post = SignIn("https://estate.example", forwardedProto: "http"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(post)).StatusCode);
        }
    }

    [Fact]
    public async Task Three_IPv6_addresses_in_one_64_share_one_allowance()
    {
        await using var cloud = await StartAsync(trustLoopback: true);
        using var api = cloud.Anonymous();
        Assert.Equal(HttpStatusCode.Created, await ReportAsync(api, "2001:db8:1:2::1"));
        Assert.Equal(HttpStatusCode.Created, await ReportAsync(api, "2001:db8:1:2:abcd::9"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ReportAsync(api, "2001:db8:1:2:ffff:ffff:ffff:fffe"));
        Assert.Equal(HttpStatusCode.Created, await ReportAsync(api, "2001:db8:1:3::1"));
    }

    [Theory]
    [InlineData("Web:KnownProxies:0", "proxy.example", "Web:KnownProxies:0 'proxy.example' is not an IP address")]
    [InlineData("Web:KnownNetworks:0", "172.18.0.0/33", "Web:KnownNetworks:0 '172.18.0.0/33' is not a network in CIDR form")]
    public void A_wrong_proxy_setting_is_named(string key, string value, string problem)
    {
        var options = new Iot.Cloud.Web.Proxy.ProxyOptions();
        (key.Contains("Proxies", StringComparison.Ordinal) ? options.KnownProxies : options.KnownNetworks).Add(value);
        var result = new Iot.Cloud.Web.Proxy.ProxyOptionsValidator().Validate(null, options);
        Assert.Contains(problem, result.FailureMessage, StringComparison.Ordinal);
    }

    private Task<CloudHost> StartAsync(bool trustLoopback) =>
        CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), new Dictionary<string, string?>
        {
            ["Reports:PerClientPerHour"] = "2",
            ["Web:KnownProxies:0"] = trustLoopback ? "127.0.0.1" : "10.9.9.9",
        }, kestrel: true);

    private static async Task<HttpStatusCode> ReportAsync(HttpClient api, string client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = JsonContent.Create(new ReportRequest("yikang-9", "gate", "门禁刷卡没反应", null, ReportKeys.New())) };
        request.Headers.Add("X-Forwarded-For", client);
        using var response = await api.SendAsync(request);
        return response.StatusCode;
    }

    private static HttpRequestMessage SignIn(string origin, string forwardedProto)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/session") { Content = JsonContent.Create(new { userName = CloudHost.StreetAdmin, password = CloudHost.Password }) };
        request.Headers.Host = "estate.example";
        request.Headers.Add("Origin", origin);
        request.Headers.Add("X-Forwarded-For", "203.0.113.20");
        request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        return request;
    }
}
