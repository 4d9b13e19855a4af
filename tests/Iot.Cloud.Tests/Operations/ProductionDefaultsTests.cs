using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Cloud.Auth;
using Iot.Cloud.Kernel;
using Iot.Cloud.Operations;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.Web;
using Iot.Testing.Services;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Tests.Operations;

/// <summary>
/// The cloud in the Production environment, behind its TLS proxy at https://estate.example.cn: what it refuses to start
/// without, and what it sends and refuses once started (HSTS, HTTPS-only cookies, allowed hosts, /metrics' token,
/// /readyz without error text, /openapi for staff, private QR codes that a forged Host header cannot change).
/// </summary>
public sealed class ProductionDefaultsTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    private const string Token = "metrics-token-of-the-production-tests-0123456789";
    private static readonly Uri Public = new("https://estate.example.cn/");

    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<CloudHost> ProductionAsync(params (string Key, string? Value)[] changes)
    {
        var settings = new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["Demo:SeedAccounts"] = "false",
            ["Web:PublicBaseUrl"] = Public.ToString(),
            ["Operations:MetricsToken"] = Token,
            ["Web:KnownProxies:0"] = "127.0.0.1",
        };
        foreach (var (key, value) in changes)
        {
            settings[key] = value;
        }

        return CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), settings);
    }

    [Fact]
    public async Task Production_without_the_public_address_or_the_metrics_token_does_not_start_and_names_each()
    {
        // The host does not start (Program.cs prints the lines below and exits with code 2, which
        // tests/Iot.EndToEnd.Tests/Deployment/WrongSettingsTests.cs checks on the real program)...
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var cloud = await ProductionAsync(("Web:PublicBaseUrl", null), ("Operations:MetricsToken", null));
            await cloud.Anonymous().GetAsync(new Uri("/healthz", UriKind.Relative));
        });

        // ... and the check names each missing setting.
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection([new("Demo:SeedAccounts", "true")]).Build();
        var production = new ProductionSettingsValidator(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Production" }, configuration);
        var lines = string.Join("\n", production.Validate(null, new OperationsOptions()).Failures!);
        Assert.Contains("Web:PublicBaseUrl is required in Production", lines, StringComparison.Ordinal);
        Assert.Contains("Operations:MetricsToken is required in Production", lines, StringComparison.Ordinal);
        Assert.Contains("Demo:SeedAccounts must be false in Production", lines, StringComparison.Ordinal);
        Assert.Contains("Web:KnownProxies (or Web:KnownNetworks) is required in Production", lines, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_sends_hsts_and_an_https_only_session_cookie()
    {
        await using var cloud = await ProductionAsync();
        var http = cloud.Anonymous(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        await CloudHost.WaitUntilAsync(async () => (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode, "cloud ready");
        await using (var scope = cloud.Services.CreateAsyncScope())
        {
            var (account, problems) = await scope.ServiceProvider.GetRequiredService<AccountService>().CreateAsync(
                new AccountRequest("chen", "a long passphrase for tests", StaffRole.StreetAdmin, null, null, "陈科员"), "test");
            Assert.True(account is not null, string.Join(", ", problems.Select(p => p.Text)));
        }

        using var signIn = await http.PostAsJsonAsync(new Uri(Public, "/api/session"), new { userName = "chen", password = "a long passphrase for tests" });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("iot.auth=", StringComparison.Ordinal));
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("max-age=31536000", string.Join(",", signIn.Headers.GetValues("Strict-Transport-Security")));
        Assert.Equal("max-age=31536000", string.Join(",", (await http.GetAsync(new Uri(Public, "/"))).Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task Production_refuses_hosts_other_than_the_public_one_and_the_qr_codes_carry_the_public_address_privately()
    {
        await using var cloud = await ProductionAsync();
        var http = cloud.Anonymous();
        await CloudHost.WaitUntilAsync(async () => (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode, "cloud ready");

        using var forged = await http.GetAsync(new Uri("http://evil.example/qr/yikang-1.svg"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        using var qr = await http.GetAsync(new Uri(Public, "/qr/yikang-1.svg"));
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        Assert.True(qr.Headers.CacheControl is { Private: true, Public: false }, qr.Headers.CacheControl?.ToString());
        Assert.Equal(QrCodes.Svg(new Uri(Public, "r/yikang-1")), await qr.Content.ReadAsStringAsync());

        // From the server itself (the health check's loopback name) the code is the same.
        Assert.Equal(QrCodes.Svg(new Uri(Public, "r/yikang-1")), await http.GetStringAsync(new Uri("http://127.0.0.1/qr/yikang-1.svg")));
    }

    [Fact]
    public async Task A_forged_host_header_does_not_change_the_qr_codes_when_the_public_address_is_set()
    {
        // Development has no allowed-hosts list: the setting alone keeps the codes right.
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), new Dictionary<string, string?> { ["Web:PublicBaseUrl"] = Public.ToString() });
        await cloud.WaitReadyAsync();

        var forged = new Uri("http://evil.example/");
        using var svg = await cloud.Anonymous().GetAsync(new Uri(forged, "qr/yikang-1.svg"));
        Assert.Equal(QrCodes.Svg(new Uri(Public, "r/yikang-1")), await svg.Content.ReadAsStringAsync());
        Assert.True(svg.Headers.CacheControl is { Private: true, Public: false }, svg.Headers.CacheControl?.ToString());

        // The printed sheet, opened by a street-office client that only ever spoke to the forged host.
        var sheet = await cloud.Client(CloudHost.StreetAdmin).GetStringAsync(new Uri(forged, "console/qr"));
        Assert.Contains("https://estate.example.cn/r/yikang-1", sheet, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", sheet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_need_the_token_readyz_tells_the_public_only_its_status_and_openapi_is_for_staff()
    {
        await using var cloud = await ProductionAsync();
        var http = cloud.Anonymous(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        await CloudHost.WaitUntilAsync(async () => (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode, "cloud ready");

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "Authorization", "Bearer " + Token[..^1] + "x" } } })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        }

        using (var right = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "Authorization", "Bearer " + Token } } })
        using (var metrics = await http.SendAsync(right))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var ready = JsonDocument.Parse(await http.GetStringAsync(new Uri("/readyz", UriKind.Relative)));
        Assert.Equal(["status"], ready.RootElement.EnumerateObject().Select(p => p.Name));

        // The API's map: the sign-in page for someone not signed in (it is not under /api, so the cookie's redirect).
        using var openApi = await http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, openApi.StatusCode);
        Assert.StartsWith("/login", openApi.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_metrics_token_is_refused_in_every_environment()
    {
        var development = new ProductionSettingsValidator(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Development" }, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        Assert.True(development.Validate(null, new OperationsOptions()).Succeeded);
        var refused = development.Validate(null, new OperationsOptions { MetricsToken = "short" });
        Assert.Contains("Operations:MetricsToken must be at least 32 characters", Assert.Single(refused.Failures!), StringComparison.Ordinal);
    }
}
