using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Iot.Cloud.Reports;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Testing.Services;
using Microsoft.Extensions.Time.Testing;
using SkiaSharp;

namespace Iot.Cloud.Tests.Reports;

/// <summary>The real cloud on a loopback port (Kestrel parses the uploads, as in production) on a fake clock.</summary>
public sealed class ResidentCloud : IAsyncLifetime
{
    private readonly BrokerFixture _broker = new();

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 5, 1, 0, 0, TimeSpan.Zero));

    public CloudHost Cloud { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        Cloud = await CloudHost.StartAsync(
            _broker.Port,
            _broker.NewFolder("cloud"),
            new Dictionary<string, string?> { ["Reports:PerClientPerHour"] = "1000", ["Reports:FreeReportsPerClient"] = "1000", ["Reports:PerCourtyardPerHour"] = "3" },
            clock: Clock,
            kestrel: true);
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
/// Issue 22, residents: no report is lost and every refusal is the form again, in Chinese, with what was typed and the
/// photo chosen. Sent as a browser without script sends the form (multipart, the page's antiforgery token); the
/// phone's own reduction and queue are in Iot.Browser.Tests.
/// </summary>
public sealed partial class ResidentReportTests(ResidentCloud fixture) : IClassFixture<ResidentCloud>
{
    private CloudHost Cloud => fixture.Cloud;

    [Fact]
    public async Task A_6_MB_camera_photo_sent_without_the_phones_script_is_reduced_and_the_report_goes_through()
    {
        using var resident = Resident();
        using var answer = await SendAsync(resident, "yikang-46", new() { ["category"] = "lamp", ["text"] = "大照片" }, ("photo", TestPhotos.CameraPhoto, "IMG_0001.JPG"));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var code = TrackingCode(answer);

        var detail = await DetailAsync(code);
        var photo = Assert.Single(detail.Photos);
        Assert.Equal("image/jpeg", photo.ContentType);
        Assert.True(photo.Bytes < 1024 * 1024, $"{photo.Bytes} bytes kept");
        var bytes = await Cloud.Http.GetByteArrayAsync(new Uri($"/api/work-orders/{detail.Order.Id}/photos/{photo.Id}", UriKind.Relative));
        using var kept = SKBitmap.Decode(bytes);
        Assert.Equal((1600, 1200), (kept.Width, kept.Height));
        Assert.Contains(detail.Audit, a => a.Actor == "resident" && a.Action == "photo");
    }

    [Fact]
    public async Task A_wrong_phone_number_comes_back_in_chinese_with_the_entries_and_the_photo_kept()
    {
        using var resident = Resident();
        var fields = new Dictionary<string, string> { ["category"] = "gate", ["text"] = "北门门锁坏了", ["phone"] = "电话138" };
        using var refused = await SendAsync(resident, "yikang-49", fields, ("photo", TestPhotos.CameraPhoto, "IMG_0002.JPG"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("电话号码只能填数字", page, StringComparison.Ordinal);
        Assert.Contains(">北门门锁坏了</textarea>", page, StringComparison.Ordinal);
        Assert.Contains("value=\"电话138\"", page, StringComparison.Ordinal);
        Assert.Matches("value=\"gate\"[^>]*checked", page);
        Assert.DoesNotMatch("&#x[3-9A-F][0-9A-F]{3};", page);

        // The photo comes back reduced, in the form: sent again without choosing it, it is on the report.
        var kept = Hidden(page, "keptPhoto");
        Assert.True(kept.Length < 1_400_000, $"{kept.Length} characters of kept photo");
        fields["phone"] = "138 0000 0000";
        fields["keptPhoto"] = kept;
        using var accepted = await SendAsync(resident, "yikang-49", fields, photo: null, key: Hidden(page, "key"));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var detail = await DetailAsync(TrackingCode(accepted));
        Assert.Equal("北门门锁坏了", detail.Order.Description);
        Assert.Single(detail.Photos);
    }

    [Fact]
    public async Task The_refusals_speak_english_to_a_resident_who_chose_it()
    {
        using var resident = Resident();
        (await resident.GetAsync(new Uri("/lang/en?back=/", UriKind.Relative))).Dispose();
        using var refused = await SendAsync(resident, "yikang-49", new() { ["category"] = "gate", ["phone"] = "phone 138" });
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("A phone number has digits only", page, StringComparison.Ordinal);
        Assert.Contains("value=\"phone 138\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_is_not_a_usable_photo_is_refused_in_chinese_and_the_entries_are_kept()
    {
        using var resident = Resident();
        foreach (var (bytes, words) in new[]
        {
            ("<html><script>alert(1)</script></html>"u8.ToArray(), "这个文件不是照片"),
            (TestPhotos.PngBomb(30_000, 30_000), "这张图片太大"),
        })
        {
            using var refused = await SendAsync(resident, "yikang-42", new() { ["category"] = "drain", ["text"] = "积水很深" }, ("photo", bytes, "photo.jpg"));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var page = await refused.Content.ReadAsStringAsync();
            Assert.Contains(words, page, StringComparison.Ordinal);
            Assert.Contains(">积水很深</textarea>", page, StringComparison.Ordinal);
            Assert.DoesNotContain("keptPhoto", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_body_over_the_hard_bound_is_answered_with_a_chinese_page_not_json()
    {
        // The client waits for the server's answer to "Expect: 100-continue" however slow the machine: with the default
        // 1 s it would start sending the 26 MB anyway, and the server's early 413 would cut the upload (a broken pipe).
        using var resident = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), Expect100ContinueTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = Cloud.Http.BaseAddress,
        };
        var page = await resident.GetStringAsync(new Uri("/r/yikang-42", UriKind.Relative));
        var huge = new byte[PhotoReducer.MaxUploadBytes + (1024 * 1024)];
        TestPhotos.CameraPhoto.CopyTo(huge, 0);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/r/yikang-42") { Content = Form(new() { ["category"] = "lamp", ["__RequestVerificationToken"] = Hidden(page, "__RequestVerificationToken") }, ("photo", huge, "huge.jpg")) };
        request.Headers.ExpectContinue = true;
        using var refused = await resident.SendAsync(request);
        Assert.True(refused.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{refused.StatusCode}: {await refused.Content.ReadAsStringAsync()}");
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("照片太大（超过25兆）", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_form_sent_twice_makes_one_report()
    {
        using var resident = Resident();
        var key = ReportKeys.New();
        using var first = await SendAsync(resident, "yikang-55", new() { ["category"] = "other", ["text"] = "同一份报修" }, key: key);
        using var again = await SendAsync(resident, "yikang-55", new() { ["category"] = "other", ["text"] = "同一份报修" }, key: key);
        Assert.Equal(TrackingCode(first), TrackingCode(again));

        // Through the API too, also when both arrive at once (another courtyard: each new report counts towards its hourly allowance).
        using var api = Cloud.Anonymous();
        var body = new ReportRequest("yikang-70", "lamp", "同时到达", null, ReportKeys.New());
        var answers = await Task.WhenAll(api.PostAsJsonAsync("/api/reports", body), api.PostAsJsonAsync("/api/reports", body));
        var receipts = await Task.WhenAll(answers.Select(a => a.Content.ReadFromJsonAsync<ReportReceipt>(Json.Options)));
        Assert.Equal(receipts[0]!.TrackingCode, receipts[1]!.TrackingCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Created], answers.Select(a => a.StatusCode).Order());
        using var third = await api.PostAsJsonAsync("/api/reports", body);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);

        Assert.Single(await Cloud.GetAsync<List<WorkOrderView>>("/api/work-orders?courtyard=yikang-55"), o => o.Description == "同一份报修");
        Assert.Single(await Cloud.GetAsync<List<WorkOrderView>>("/api/work-orders?courtyard=yikang-70"), o => o.Description == "同时到达");
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync("/api/reports", body with { Courtyard = "yikang-55", Key = "short" })).StatusCode);
    }

    [Fact]
    public async Task Too_many_reports_from_one_courtyard_come_back_as_the_form_with_the_entries_kept()
    {
        // Three faults make three orders; a fourth fault is over the courtyard's allowance of new orders.
        using var resident = Resident();
        foreach (var category in new[] { "lamp", "gate", "drain" })
        {
            using var accepted = await SendAsync(resident, "yikang-61", new() { ["category"] = category });
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        }

        using var refused = await SendAsync(resident, "yikang-61", new() { ["category"] = "charger", ["text"] = "车棚插座冒火花" }, ("photo", TestPhotos.RedLeftBlueRight(300, 200), "p.jpg"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("这个院坝一小时内的报修太多了", page, StringComparison.Ordinal);
        Assert.Contains(">车棚插座冒火花</textarea>", page, StringComparison.Ordinal);
        Assert.Contains("name=\"keptPhoto\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_sent_again_through_the_api_after_the_courtyards_allowance_is_used_up_gets_its_receipt_not_a_refusal()
    {
        // A phone's queue resending after a lost answer: the resend is not a new report and is not counted.
        using var api = Cloud.Anonymous();
        var sent = new List<ReportRequest>();
        foreach (var category in new[] { "lamp", "gate", "drain" })
        {
            sent.Add(new ReportRequest("yikang-65", category, $"{category}坏了", null, ReportKeys.New()));
            using var accepted = await api.PostAsJsonAsync("/api/reports", sent[^1]);
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        }

        using var fourth = await api.PostAsJsonAsync("/api/reports", new ReportRequest("yikang-65", "other", "别的问题", null, ReportKeys.New()));
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Contains("courtyard", await fourth.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var resent = await api.PostAsJsonAsync("/api/reports", sent[0]);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Equal(3, (await Cloud.GetAsync<List<WorkOrderView>>("/api/work-orders?courtyard=yikang-65")).Count(o => o.Source == WorkOrderSource.Resident));
    }

    [Fact]
    public async Task The_tracking_page_says_by_when_and_whom_to_call_and_takes_a_not_fixed_word_once_an_hour()
    {
        using var api = Cloud.Anonymous();
        var receipt = await (await api.PostAsJsonAsync("/api/reports", new ReportRequest("yikang-1", "lamp"))).Content.ReadFromJsonAsync<ReportReceipt>(Json.Options);
        var code = receipt!.TrackingCode;
        var status = await Cloud.GetAsync<ReportStatus>($"/api/reports/{code}");

        // Lamps are major; the Yikang Road company has agreed to fix major faults within a day (site.json).
        Assert.Equal(fixture.Clock.GetUtcNow().AddDays(1), status.ExpectedBy);
        Assert.Equal(("昆明馨宇物业服务有限公司", "0871-6810-2201"), (status.Responsible, status.ResponsiblePhone));

        using var resident = Resident();
        var page = await resident.GetStringAsync(new Uri($"/r/track/{code}", UriKind.Relative));
        Assert.Contains("预计修好时间 <strong>12-06 09:00</strong>", page, StringComparison.Ordinal);
        Assert.Contains("href=\"tel:087168102201\"", page, StringComparison.Ordinal);
        Assert.Contains("拨打 0871-6810-2201", page, StringComparison.Ordinal);

        Assert.Equal("Recorded", await NotFixedAsync(resident, code));
        Assert.Equal("AlreadyRecorded", await NotFixedAsync(resident, code));
        fixture.Clock.Advance(NotFixedWord.Every + TimeSpan.FromMinutes(1));
        Assert.Equal("Recorded", await NotFixedAsync(resident, code));

        // Staff read it in the order's history, with who said it and how often.
        var words = (await DetailAsync(code)).Audit.Where(a => a.Action == NotFixedWord.Action).ToList();
        Assert.Equal(["not fixed yet (1)", "not fixed yet (2)"], words.Select(w => w.Detail));
        Assert.All(words, w => Assert.Equal("resident", w.Actor));
        var done = await resident.GetStringAsync(new Uri($"/r/track/{code}?word=Recorded", UriKind.Relative));
        Assert.Contains("已告诉责任单位“还没修好”", done, StringComparison.Ordinal);
    }

    // A browser's client of its own (cookies kept, redirects seen rather than followed).
    private HttpClient Resident() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = Cloud.Http.BaseAddress };

    /// <summary>Opens the courtyard's page and sends its form as a browser would; the form's own key unless one is given.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string courtyard, Dictionary<string, string> fields, (string Name, byte[] Bytes, string FileName)? photo = null, string? key = null)
    {
        var page = await client.GetStringAsync(new Uri($"/r/{courtyard}", UriKind.Relative));
        var all = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = Hidden(page, "__RequestVerificationToken"),
            ["key"] = key ?? Hidden(page, "key"),
        };
        return await client.PostAsync(new Uri($"/r/{courtyard}", UriKind.Relative), Form(all, photo));
    }

    private static MultipartFormDataContent Form(Dictionary<string, string> fields, (string Name, byte[] Bytes, string FileName)? photo = null)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        if (photo is { } p)
        {
            var file = new ByteArrayContent(p.Bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, p.Name, p.FileName);
        }

        return form;
    }

    private static async Task<string> NotFixedAsync(HttpClient resident, string code)
    {
        var page = await resident.GetStringAsync(new Uri($"/r/track/{code}", UriKind.Relative));
        using var answer = await resident.PostAsync(
            new Uri($"/r/track/{code}?handler=NotFixed", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Hidden(page, "__RequestVerificationToken") }));
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        return answer.Headers.Location!.OriginalString.Split("word=")[1];
    }

    private async Task<WorkOrderDetail> DetailAsync(string trackingCode)
    {
        var order = (await Cloud.GetAsync<List<WorkOrderView>>("/api/work-orders?limit=1000")).Single(o => o.TrackingCode == trackingCode);
        return await Cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{order.Id}");
    }

    private static string TrackingCode(HttpResponseMessage answer)
    {
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        return TrackLocation().Match(answer.Headers.Location!.OriginalString).Groups[1].Value;
    }

    private static string Hidden(string html, string name) =>
        Regex.Match(html, $"name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"") is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException($"no {name} on the page");

    [GeneratedRegex("^/r/track/([2-9A-Z]{8})\\?new=true$")]
    private static partial Regex TrackLocation();
}
