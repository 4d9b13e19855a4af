using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Testing.Services;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Iot.Cloud.Tests.Security;

/// <summary>The real cloud on a loopback port (Kestrel, as in production), for the web's hostile-input checks.</summary>
public sealed class WebCloud : IAsyncLifetime
{
    // A class fixture cannot take another, so this one holds its broker fixture itself.
    private readonly BrokerFixture _broker = new();

    public CloudHost Cloud { get; private set; } = null!;

    public long Order { get; private set; }

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        Cloud = await CloudHost.StartAsync(_broker.Port, _broker.NewFolder("cloud"), new Dictionary<string, string?> { ["Reports:PerClientPerHour"] = "1000", ["Reports:FreeReportsPerClient"] = "1000" }, kestrel: true);
        await Cloud.WaitReadyAsync();
        var order = await (await Cloud.Http.PostAsJsonAsync("/api/work-orders", new { courtyard = "yikang-1", fault = "web-check", title = "网页检查" })).Content.ReadFromJsonAsync<WorkOrderView>(Json.Options);
        Order = order!.Id;
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
/// Issue 9's web checks over real HTTP: security headers on every kind of response, CSRF refused for the JSON API
/// (same-origin check) and for Razor forms (antiforgery), the sign-in cookie's flags, and photo uploads checked by
/// their bytes and cut off at the size limit. Script in reports and comments is checked in a real browser
/// (Iot.Browser.Tests, <c>HostileTextTests</c>).
/// </summary>
public sealed class WebHostileInputTests(WebCloud fixture) : IClassFixture<WebCloud>
{
    private CloudHost Cloud => fixture.Cloud;

    private HttpClient Browserless() => Cloud.Anonymous(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Theory]
    [InlineData("/", false)]
    [InlineData("/login", false)]
    [InlineData("/safety", false)]
    [InlineData("/r/yikang-1", false)]
    [InlineData("/css/site.css", false)]
    [InlineData("/no/such/page", false)]
    [InlineData("/api/site", true)]
    [InlineData("/api/no-such-thing", true)]
    [InlineData("/api/alerts?limit=abc", true)]
    [InlineData("/api/supervision?to=0001-01-01T00:00:00Z", true)]
    [InlineData("/openapi/v1.json", false)]
    public async Task Every_kind_of_response_carries_the_security_headers(string url, bool signedIn)
    {
        using var anonymous = Browserless();
        using var response = await (signedIn ? Cloud.Http : anonymous).GetAsync(new Uri(url, UriKind.Relative));
        var csp = string.Join(';', response.Headers.TryGetValues("Content-Security-Policy", out var v) ? v : []);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
    }

    [Fact]
    public async Task The_sign_in_cookie_is_http_only_and_same_site()
    {
        using var client = Browserless();
        using var response = await client.PostAsJsonAsync("/api/session", new { userName = CloudHost.StreetAdmin, password = CloudHost.Password });
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("iot.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "null")]
    public async Task A_state_changing_api_call_that_a_browser_marks_as_from_another_site_is_refused(string header, string value)
    {
        var before = await CommentsAsync();
        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Post, $"/api/work-orders/{fixture.Order}/comments") { Content = JsonContent.Create(new { text = "csrf" }) },
            new HttpRequestMessage(HttpMethod.Post, $"/api/work-orders/{fixture.Order}/photos") { Content = Photo(Png, "p.png") },
            new HttpRequestMessage(HttpMethod.Delete, "/api/session"),
        })
        {
            request.Headers.TryAddWithoutValidation(header, value);
            using var response = await Cloud.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(before, await CommentsAsync());

        // The same call from the service's own pages passes.
        using var own = new HttpRequestMessage(HttpMethod.Post, $"/api/work-orders/{fixture.Order}/comments") { Content = JsonContent.Create(new { text = "same origin" }) };
        own.Headers.Add("Sec-Fetch-Site", "same-origin");
        own.Headers.Add("Origin", Cloud.Http.BaseAddress!.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.OK, (await Cloud.Http.SendAsync(own)).StatusCode);
    }

    [Fact]
    public async Task Razor_forms_refuse_a_post_without_the_antiforgery_token()
    {
        // The resident report form: refused without the token, accepted with the page's token and cookie.
        using var resident = Cloud.Anonymous(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var token = PageForm.Token(await resident.GetStringAsync(new Uri("/r/yikang-1", UriKind.Relative)));
        FormUrlEncodedContent Report(string? withToken) => new(new Dictionary<string, string>
        {
            ["category"] = "lamp",
            ["text"] = "表单检查",
            ["__RequestVerificationToken"] = withToken ?? string.Empty,
        });
        Assert.Equal(HttpStatusCode.BadRequest, (await resident.PostAsync(new Uri("/r/yikang-1", UriKind.Relative), Report(null))).StatusCode);
        using (var forged = Browserless())
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await forged.PostAsync(new Uri("/r/yikang-1", UriKind.Relative), Report(token))).StatusCode);
        }

        var accepted = await resident.PostAsync(new Uri("/r/yikang-1", UriKind.Relative), Report(token));
        Assert.Contains("id=\"tracking-code\"", await accepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The street office's account form: a forged post creates no account.
        using var admin = Cloud.Anonymous(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        (await admin.PostAsJsonAsync("/api/session", new { userName = CloudHost.StreetAdmin, password = CloudHost.Password })).EnsureSuccessStatusCode();
        _ = PageForm.Token(await admin.GetStringAsync(new Uri("/admin/accounts", UriKind.Relative)));
        var create = new FormUrlEncodedContent(new Dictionary<string, string> { ["userName"] = "forged-admin", ["password"] = "forged-password-123", ["role"] = "StreetAdmin" });
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync(new Uri("/admin/accounts?handler=Create", UriKind.Relative), create)).StatusCode);
        Assert.DoesNotContain("forged-admin", await admin.GetStringAsync(new Uri("/admin/accounts", UriKind.Relative)), StringComparison.Ordinal);

        // Signing in and out are forms too.
        Assert.Equal(HttpStatusCode.BadRequest, (await Browserless().PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["userName"] = CloudHost.StreetAdmin, ["password"] = CloudHost.Password }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync(new Uri("/logout", UriKind.Relative), new FormUrlEncodedContent([]))).StatusCode);
    }

    [Fact]
    public async Task Photos_are_checked_by_their_bytes_and_cut_off_at_the_size_limit()
    {
        var url = new Uri($"/api/work-orders/{fixture.Order}/photos", UriKind.Relative);
        foreach (var (bytes, name) in new[]
        {
            ("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"u8.ToArray(), "p.png"),
            ("<html><script>alert(1)</script></html>"u8.ToArray(), "p.jpg"),
            ("GIF89a"u8.ToArray(), "p.gif"),
        })
        {
            using var refused = await Cloud.Http.PostAsync(url, Photo(bytes, name));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("only JPEG and PNG", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A staff member's camera photo is reduced, not refused; a PNG header over junk does not decode; beyond the hard bound the server stops reading (413).
        using var camera = await Cloud.Http.PostAsync(url, Photo(TestPhotos.CameraPhoto, "camera.jpg"));
        Assert.Equal(HttpStatusCode.OK, camera.StatusCode);
        Assert.True((await camera.Content.ReadFromJsonAsync<PhotoView>(Json.Options))!.Bytes < 1024 * 1024);
        using var junk = await Cloud.Http.PostAsync(url, Photo(Padded(6 * 1024 * 1024), "big.png"));
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);
        using var huge = await Cloud.Http.SendAsync(Upload(url, Padded(PhotoReducer.MaxUploadBytes + (1024 * 1024))));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal("application/problem+json", huge.Content.Headers.ContentType?.MediaType);

        // What is stored is served with the type its bytes have, as a download, never sniffed.
        var stored = await (await Cloud.Http.PostAsync(url, Photo(TestPhotos.RedLeftBlueRight(20, 10, SkiaSharp.SKEncodedImageFormat.Png), "x<script>.svg"))).Content.ReadFromJsonAsync<PhotoView>(Json.Options);
        using var served = await Cloud.Http.GetAsync(new Uri($"/api/work-orders/{fixture.Order}/photos/{stored!.Id}", UriKind.Relative));
        Assert.Equal("image/jpeg", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal("xscript.jpg", served.Content.Headers.ContentDisposition?.FileNameStar ?? served.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("nosniff", Header(served, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task A_resident_report_photo_is_checked_by_its_bytes_reduced_and_at_most_three_are_kept()
    {
        using var resident = Browserless();
        var receipt = await (await resident.PostAsJsonAsync("/api/reports", new { courtyard = "yikang-1", category = "other" })).Content.ReadFromJsonAsync<Iot.Cloud.Reports.ReportReceipt>(Json.Options);
        var url = new Uri($"/api/reports/{receipt!.TrackingCode}/photo", UriKind.Relative);
        Assert.Equal(HttpStatusCode.BadRequest, (await resident.PostAsync(url, Photo("<script>alert(1)</script>"u8.ToArray(), "p.jpg"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await resident.PostAsync(url, Photo(Padded(8 * 1024 * 1024), "p.png"))).StatusCode);

        // A large phone photo is reduced, not refused; beyond the hard bound the server stops reading (413).
        Assert.Equal(HttpStatusCode.OK, (await resident.PostAsync(url, Photo(TestPhotos.CameraPhoto, "big.jpg"))).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await resident.SendAsync(Upload(url, Padded(PhotoReducer.MaxUploadBytes + (1024 * 1024))))).StatusCode);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await resident.PostAsync(url, Photo(TestPhotos.RedLeftBlueRight(20, 10, SkiaSharp.SKEncodedImageFormat.Png), "p.png"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Conflict, (await resident.PostAsync(url, Photo(TestPhotos.RedLeftBlueRight(20, 10), "p.jpg"))).StatusCode);
    }

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

    private static byte[] Padded(int length)
    {
        var bytes = new byte[length];
        Png.CopyTo(bytes, 0);
        return bytes;
    }

    private static MultipartFormDataContent Photo(byte[] bytes, string name)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return new MultipartFormDataContent { { file, "photo", name } };
    }

    /// <summary>An upload that waits for the server's go-ahead (Expect: 100-continue), so a refusal is read before the body is sent.</summary>
    private static HttpRequestMessage Upload(Uri url, byte[] bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Photo(bytes, "huge.png") };
        request.Headers.ExpectContinue = true;
        return request;
    }

    private async Task<int> CommentsAsync() =>
        (await Cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{fixture.Order}")).Comments.Count;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(',', values) : null;
}
