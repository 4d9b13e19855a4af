using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Iot.Cloud.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Tests.Web;

/// <summary>One cloud for the street office's pages (the in-memory server: its address is http://localhost).</summary>
public sealed class AdminCloud : IAsyncLifetime
{
    private readonly BrokerFixture _broker = new();

    public CloudHost Cloud { get; private set; } = null!;

    public BrokerFixture Broker => _broker;

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        Cloud = await CloudHost.StartAsync(_broker.Port, _broker.NewFolder("cloud"));
        await Cloud.WaitReadyAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cloud is not null)
        {
            await Cloud.DisposeAsync();
        }

        await _broker.DisposeAsync();
    }
}

/// <summary>
/// Issue 22, items 12 and 13, as a browser without script meets the pages: the QR sheet warns when its codes carry an
/// address phones cannot reach, and uses Web:PublicBaseUrl when set; a refused account form comes back with its
/// entries (never the password) and a Chinese message naming the field; the rules page is the street office's only,
/// saves through the API's path (same checks, version, audit) and keeps the entries of a refused change.
/// </summary>
public sealed class AdminPagesTests(AdminCloud fixture) : IClassFixture<AdminCloud>
{
    private CloudHost Cloud => fixture.Cloud;

    [Fact]
    public async Task The_qr_sheet_opened_at_a_local_address_warns_in_chinese_and_marks_every_card()
    {
        using var admin = await SignedInAsync(CloudHost.StreetAdmin);

        var page = await admin.GetStringAsync(new Uri("/console/qr?community=yikang-road", UriKind.Relative));

        Assert.Contains("id=\"qr-warning\"", page, StringComparison.Ordinal);
        Assert.Contains("请勿张贴这些二维码", page, StringComparison.Ordinal);
        Assert.Contains("http://localhost", page, StringComparison.Ordinal);
        Assert.Contains("Web:PublicBaseUrl", page, StringComparison.Ordinal);
        Assert.Contains("qr-sheet qr-draft", page, StringComparison.Ordinal);
        Assert.Equal(45, Regex.Count(page, "样稿，请勿张贴"));
        Assert.DoesNotContain("class=\"no-print\">请勿张贴", page, StringComparison.Ordinal);

        (await admin.GetAsync(new Uri("/lang/en?back=/", UriKind.Relative))).Dispose();
        var english = await admin.GetStringAsync(new Uri("/console/qr?community=yikang-road", UriKind.Relative));
        Assert.Contains("Do not post these QR codes: residents&#x27; phones cannot open their address.", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_qr_sheet_opened_at_a_public_address_has_no_warning()
    {
        using var admin = await SignedInAsync(CloudHost.StreetAdmin);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console/qr?community=yikang-road");
        request.Headers.Host = "estate.example.cn";

        using var response = await admin.SendAsync(request);
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("qr-warning", page, StringComparison.Ordinal);
        Assert.Contains("http://estate.example.cn/r/yikang-1<", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_web_public_base_url_the_codes_carry_it_and_the_sheet_does_not_warn()
    {
        await using var cloud = await CloudHost.StartAsync(fixture.Broker.Port, fixture.Broker.NewFolder("public"), new Dictionary<string, string?>
        {
            ["Web:PublicBaseUrl"] = "https://estate.example.cn/yongchang",
            ["Broker:ClientId"] = "iot-cloud-test-public",
        });
        using var admin = cloud.Anonymous(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        (await admin.PostAsJsonAsync("/api/session", new { userName = CloudHost.StreetAdmin, password = CloudHost.Password })).EnsureSuccessStatusCode();

        var page = await admin.GetStringAsync(new Uri("/console/qr?community=yikang-road", UriKind.Relative));

        Assert.DoesNotContain("qr-warning", page, StringComparison.Ordinal);
        Assert.Contains("https://estate.example.cn/yongchang/r/yikang-1<", page, StringComparison.Ordinal);
        var svg = await admin.GetStringAsync(new Uri("/qr/yikang-1.svg", UriKind.Relative));
        Assert.StartsWith("<svg", svg.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_web_public_base_url_with_a_query_stops_the_start_naming_the_setting()
    {
        // The pages' own wiring (AddWeb), started as the cloud starts it: options are checked before anything runs.
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Web:PublicBaseUrl"] = "https://estate.example.cn/?site=yongchang" });
        builder.AddWeb();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Web:PublicBaseUrl 'https://estate.example.cn/?site=yongchang' must not have a query", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_staff_account_without_a_company_comes_back_with_its_entries_and_says_so_in_chinese()
    {
        using var admin = await SignedInAsync(CloudHost.StreetAdmin);
        var token = PageForm.Token(await admin.GetStringAsync(new Uri("/admin/accounts", UriKind.Relative)));

        using var refused = await admin.PostAsync(new Uri("/admin/accounts?handler=Create", UriKind.Relative), PageForm.With(token, new()
        {
            ["userName"] = "wang-shifu",
            ["displayName"] = "王师傅",
            ["role"] = "PropertyStaff",
            ["party"] = "",
            ["community"] = "yikang-road",
            ["password"] = "a-secret-password-1",
        }));
        var page = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("所属单位：物业员工账号要选一家物业公司。", page, StringComparison.Ordinal);
        Assert.DoesNotContain("PropertyStaff needs", page, StringComparison.Ordinal);
        Assert.Contains("value=\"wang-shifu\"", page, StringComparison.Ordinal);
        Assert.Contains("value=\"王师傅\"", page, StringComparison.Ordinal);
        Assert.Matches("<option value=\"PropertyStaff\" selected=\"selected\">", page);
        Assert.Matches("<option value=\"yikang-road\" selected=\"selected\">", page);
        Assert.Matches("<select name=\"party\" id=\"account-party\" aria-invalid=\"true\"", page);
        Assert.DoesNotContain("a-secret-password-1", page, StringComparison.Ordinal);
        Assert.DoesNotMatch("id=\"account-userName\"[^>]*aria-invalid", page);

        // Corrected, it goes through.
        using var created = await admin.PostAsync(new Uri("/admin/accounts?handler=Create", UriKind.Relative), PageForm.With(PageForm.Token(page), new()
        {
            ["userName"] = "wang-shifu", ["displayName"] = "王师傅", ["role"] = "PropertyStaff", ["party"] = "xinyu-property", ["password"] = "a-secret-password-1",
        }));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("账号 wang-shifu 已创建。", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_password_and_a_bad_user_name_are_refused_in_english_when_english_is_chosen()
    {
        using var admin = await SignedInAsync(CloudHost.StreetAdmin);
        (await admin.GetAsync(new Uri("/lang/en?back=/", UriKind.Relative))).Dispose();
        var token = PageForm.Token(await admin.GetStringAsync(new Uri("/admin/accounts", UriKind.Relative)));

        using var refused = await admin.PostAsync(new Uri("/admin/accounts?handler=Create", UriKind.Relative), PageForm.With(token, new()
        {
            ["userName"] = "Zhao Si", ["displayName"] = "赵四", ["role"] = "CommunitySupervisor", ["community"] = "yikang-road", ["password"] = "short",
        }));
        var page = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("User name: use 3 to 40 characters", page, StringComparison.Ordinal);
        Assert.Matches("id=\"account-userName\"[^>]*value=\"Zhao Si\"[^>]*aria-invalid=\"true\"", page);
        Assert.Matches("<option value=\"CommunitySupervisor\" selected=\"selected\">", page);
        Assert.DoesNotContain("value=\"short\"", page, StringComparison.Ordinal);

        using var shortPassword = await admin.PostAsync(new Uri("/admin/accounts?handler=Create", UriKind.Relative), PageForm.With(PageForm.Token(page), new()
        {
            ["userName"] = "zhao-si", ["role"] = "CommunitySupervisor", ["community"] = "yikang-road", ["password"] = "short",
        }));
        var second = await shortPassword.Content.ReadAsStringAsync();
        Assert.Contains("Password: at least 10 characters.", second, StringComparison.Ordinal);
        Assert.Matches("id=\"account-password\"[^>]*aria-invalid=\"true\"", second);
    }

    [Theory]
    [InlineData("xinyu-li")]
    [InlineData("xinyu-wang")]
    [InlineData("cable-zhao")]
    [InlineData("yikang-zhang")]
    public async Task Only_the_street_office_may_open_or_change_the_rules_page(string user)
    {
        using var client = await SignedInAsync(user);

        using var page = await client.GetAsync(new Uri("/admin/rules", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/denied", page.Headers.Location!.OriginalString.Replace("http://localhost", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        using var post = await client.PostAsync(new Uri("/admin/rules?handler=Save", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["key"] = "drain-high-water", ["scope"] = "courtyard:yikang-9", ["above"] = "1", ["severity"] = "Critical", ["enabled"] = "true",
        }));
        Assert.True(post.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, $"{post.StatusCode}");
        Assert.DoesNotContain(await RulesAsync(), r => r.GetProperty("scope").GetString() == "courtyard:yikang-9");

        using var signedOut = Cloud.Anonymous(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var anonymous = await signedOut.GetAsync(new Uri("/admin/rules", UriKind.Relative));
        Assert.Contains("/login", anonymous.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_courtyard_override_saved_on_the_page_is_a_version_in_the_audit_like_one_saved_through_the_api()
    {
        using var admin = await SignedInAsync(CloudHost.StreetAdmin);
        var form = await admin.GetStringAsync(new Uri("/admin/rules?edit=drain-high-water&scope=courtyard:yikang-15", UriKind.Relative));
        Assert.Contains("为院坝：益康路15号院单独设置：排水沟水位过高", form, StringComparison.Ordinal);

        using var saved = await admin.PostAsync(new Uri("/admin/rules?handler=Save", UriKind.Relative), PageForm.With(PageForm.Token(form), new()
        {
            ["key"] = "drain-high-water", ["scope"] = "courtyard:yikang-15", ["above"] = "１５", ["clearBelow"] = "10", ["forSeconds"] = "10", ["clearForSeconds"] = "",
            ["severity"] = "Critical", ["enabled"] = "true",
        }));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var after = await admin.GetStringAsync(saved.Headers.Location!);
        Assert.Contains("已保存：排水沟水位过高，院坝：益康路15号院（第1版）", after, StringComparison.Ordinal);
        Assert.Contains("水位高于15 cm，持续10秒", after, StringComparison.Ordinal);

        // The same change through the API, for another courtyard: the two stored rules differ only in their scope.
        using var api = await Cloud.Http.PutAsJsonAsync("/api/rules/drain-high-water", new
        {
            scope = "courtyard:yikang-12", name = "排水沟水位过高", kind = "threshold", target = "drain", fault = "drain-flood", severity = "critical", enabled = true,
            parameters = new { signal = "level", threshold = "waterLevelCm", above = 15, clearBelow = 10, forSeconds = 10 },
        });
        api.EnsureSuccessStatusCode();
        var rules = await RulesAsync();
        var page = rules.Single(r => r.GetProperty("scope").GetString() == "courtyard:yikang-15");
        var put = rules.Single(r => r.GetProperty("scope").GetString() == "courtyard:yikang-12");
        foreach (var property in new[] { "name", "kind", "target", "fault", "severity", "enabled", "version", "createdBy" })
        {
            Assert.Equal(put.GetProperty(property).ToString(), page.GetProperty(property).ToString());
        }

        Assert.Equal(put.GetProperty("parameters").GetRawText(), page.GetProperty("parameters").GetRawText());

        await using var scope = Cloud.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.Entity == "rule" && a.EntityId == "drain-high-water@courtyard:yikang-15").ToListAsync();
        var entry = Assert.Single(audit);
        Assert.Equal((CloudHost.StreetAdmin, "created"), (entry.Actor, entry.Action));
        Assert.Contains("\"above\":15", entry.Detail, StringComparison.Ordinal);

        // Switching it off is a second version.
        var edit = await admin.GetStringAsync(new Uri("/admin/rules?edit=drain-high-water&scope=courtyard:yikang-15", UriKind.Relative));
        using var off = await admin.PostAsync(new Uri("/admin/rules?handler=Save", UriKind.Relative), PageForm.With(PageForm.Token(edit), new()
        {
            ["key"] = "drain-high-water", ["scope"] = "courtyard:yikang-15", ["above"] = "15", ["clearBelow"] = "10", ["forSeconds"] = "10", ["clearForSeconds"] = "", ["severity"] = "Critical",
        }));
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        var now = (await RulesAsync()).Single(r => r.GetProperty("scope").GetString() == "courtyard:yikang-15");
        Assert.Equal((2, false), (now.GetProperty("version").GetInt32(), now.GetProperty("enabled").GetBoolean()));
    }

    [Fact]
    public async Task An_inverted_threshold_and_a_word_for_a_number_are_refused_in_chinese_with_the_entries_kept()
    {
        using var admin = await SignedInAsync(CloudHost.StreetAdmin);
        var form = await admin.GetStringAsync(new Uri("/admin/rules?edit=charger-hot&scope=site", UriKind.Relative));

        using var inverted = await admin.PostAsync(new Uri("/admin/rules?handler=Save", UriKind.Relative), PageForm.With(PageForm.Token(form), new()
        {
            ["key"] = "charger-hot", ["scope"] = "site", ["above"] = "40", ["clearBelow"] = "45", ["forSeconds"] = "60", ["clearForSeconds"] = "300",
            ["severity"] = "Major", ["enabled"] = "true",
        }));
        var page = await inverted.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, inverted.StatusCode);
        Assert.Contains("低于多少解除（°C）：不能高于告警值", page, StringComparison.Ordinal);
        Assert.Matches("id=\"rule-clearBelow\"[^>]*value=\"45\"[^>]*aria-invalid=\"true\"", page);
        Assert.Matches("id=\"rule-above\"[^>]*value=\"40\"", page);
        Assert.Matches("<option value=\"Major\" selected=\"selected\">", page);

        using var word = await admin.PostAsync(new Uri("/admin/rules?handler=Save", UriKind.Relative), PageForm.With(PageForm.Token(page), new()
        {
            ["key"] = "charger-hot", ["scope"] = "site", ["above"] = "五十", ["clearBelow"] = "42", ["forSeconds"] = "60", ["clearForSeconds"] = "300",
            ["severity"] = "Warning", ["enabled"] = "true",
        }));
        var second = await word.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, word.StatusCode);
        Assert.Contains("高于多少告警（°C）：请填写数字", second, StringComparison.Ordinal);
        Assert.Matches("id=\"rule-above\"[^>]*value=\"五十\"[^>]*aria-invalid=\"true\"", second);

        var current = (await RulesAsync()).Single(r => r.GetProperty("key").GetString() == "charger-hot" && r.GetProperty("scope").GetString() == "site");
        Assert.Equal(1, current.GetProperty("version").GetInt32());
    }

    private async Task<List<JsonElement>> RulesAsync() => [.. (await Cloud.Http.GetFromJsonAsync<JsonElement>("/api/rules")).EnumerateArray()];

    // A browser-like client: keeps every cookie (sign-in, antiforgery, language), does not follow redirects.
    private async Task<HttpClient> SignedInAsync(string user)
    {
        var client = Cloud.Anonymous(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        (await client.PostAsJsonAsync("/api/session", new { userName = user, password = CloudHost.Password })).EnsureSuccessStatusCode();
        return client;
    }
}
