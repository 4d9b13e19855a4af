using System.Net;
using Iot.Cloud.Audit;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iot.Cloud.Kernel;
using Iot.Cloud.Patrols;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Testing.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Patrols;

/// <summary>The real cloud on a loopback port (Kestrel parses the multipart rounds) on a fake clock.</summary>
public sealed class PatrolCloud : IAsyncLifetime
{
    private readonly BrokerFixture _broker = new();

    // Monday 7 December 2026, 10:00 in Kunming.
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 7, 2, 0, 0, TimeSpan.Zero));

    public CloudHost Cloud { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        Cloud = await CloudHost.StartAsync(_broker.Port, _broker.NewFolder("cloud"), clock: Clock, kestrel: true);
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
/// Issue 13, block patrols and volunteers, through HTTP with the demo accounts: yikang-hu (a volunteer of 益康路社区),
/// yikang-ma (the building head of its north block), xinyu-li (the company's staff), yikang-zhang (the committee).
/// </summary>
public sealed partial class PatrolApiTests(PatrolCloud fixture) : IClassFixture<PatrolCloud>
{
    private CloudHost Cloud => fixture.Cloud;

    private static object AllFine(string courtyard, string key, DateTimeOffset at, params (string Item, string? Note)[] failed) => new
    {
        key, courtyard, walkedAt = at,
        checks = PatrolItems.Default.Select(i => failed.FirstOrDefault(f => f.Item == i) is { Item: not null } f ? new { item = i, ok = false, note = f.Note } : new { item = i, ok = true, note = (string?)null }).ToArray(),
    };

    private static async Task<(HttpStatusCode Status, string Body)> WalkAsync(HttpClient client, object round, params (string Item, byte[] Jpeg)[] photos)
    {
        using var form = new MultipartFormDataContent { { new StringContent(JsonSerializer.Serialize(round, Json.Options)), "round" } };
        foreach (var (item, jpeg) in photos)
        {
            var file = new ByteArrayContent(jpeg);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, $"photo.{item}", "photo.jpg");
        }

        using var response = await client.PostAsync(new Uri("/api/patrols/rounds", UriKind.Relative), form);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Key() => Iot.Cloud.Reports.ReportKeys.New();

    [Fact]
    public async Task A_volunteers_flying_wire_finding_is_a_critical_order_for_the_courtyards_company_once_and_the_volunteer_confirms_its_repair()
    {
        using var volunteer = await Cloud.ClientAsync("yikang-hu");
        using var staff = await Cloud.ClientAsync("xinyu-li");
        var now = fixture.Clock.GetUtcNow();
        var key = Key();
        var round = AllFine("yikang-15", key, now, ("flying-wire", "3栋二楼窗口拉线给电动车充电"));
        var (status, body) = await WalkAsync(volunteer, round, ("flying-wire", TestPhotos.RedLeftBlueRight(64, 48)));
        Assert.True(status == HttpStatusCode.Created, body);
        var receipt = JsonSerializer.Deserialize<RoundReceipt>(body, Json.Options)!;
        var finding = Assert.Single(receipt.Findings);
        Assert.Equal(("flying-wire", true), (finding.Item, finding.New));

        // Routed like any fault: the courtyard's company, the critical service level (30 min / 240 min), the photo on it.
        var order = await Cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{finding.WorkOrderId}");
        Assert.Equal((WorkOrderSource.Patrol, "xinyu-property", Severity.Critical), (order.Order.Source, order.Order.Party, order.Order.Severity));
        Assert.Equal(now.AddMinutes(30), order.Order.AckDueAt);
        Assert.Equal("3栋二楼窗口拉线给电动车充电", order.Order.Description);
        Assert.Single(order.Photos);

        // The same round again (the phone's queue after a lost answer) is the same round; the same finding on a later
        // round goes to the open order, not a second one.
        var (again, againBody) = await WalkAsync(volunteer, round, ("flying-wire", TestPhotos.RedLeftBlueRight(64, 48)));
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(receipt.Id, JsonSerializer.Deserialize<RoundReceipt>(againBody, Json.Options)!.Id);
        var (later, laterBody) = await WalkAsync(volunteer, AllFine("yikang-15", Key(), now, ("flying-wire", "还在充")));
        Assert.Equal(HttpStatusCode.Created, later);
        var again2 = JsonSerializer.Deserialize<RoundReceipt>(laterBody, Json.Options)!.Findings.Single();
        Assert.Equal((finding.WorkOrderId, false), (again2.WorkOrderId, again2.New));
        Assert.Single(await Cloud.GetAsync<List<WorkOrderView>>("/api/work-orders"), o => o.Subject == "yikang-15/patrol-flying-wire");
        Assert.Equal(2, (await Cloud.GetAsync<List<RoundView>>("/api/patrols/rounds?courtyard=yikang-15")).Count);

        // The company works it; the volunteer may not cancel or close it by hand, and confirms the repair by name.
        foreach (var step in new[] { "inProgress", "fixed" })
        {
            (await staff.PostAsJsonAsync($"/api/work-orders/{finding.WorkOrderId}/status", new { status = step })).EnsureSuccessStatusCode();
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.PostAsJsonAsync($"/api/work-orders/{finding.WorkOrderId}/status", new { status = "cancelled", note = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.PostAsJsonAsync($"/api/work-orders/{finding.WorkOrderId}/status", new { status = "closed" })).StatusCode);
        (await volunteer.PostAsJsonAsync($"/api/work-orders/{finding.WorkOrderId}/status", new { status = "verified" })).EnsureSuccessStatusCode();
        var closed = (await Cloud.GetAsync<WorkOrderDetail>($"/api/work-orders/{finding.WorkOrderId}")).Order;
        Assert.Equal((WorkOrderStatus.Closed, Verification.Volunteer, "yikang-hu"), (closed.Status, closed.VerifiedVia!.Value, closed.VerifiedBy));
    }

    [Theory]
    [InlineData("unknown-item", "checks", "'fly-wire' is not on this courtyard's checklist")]
    [InlineData("missing-item", "checks", "'facilities' is not answered")]
    [InlineData("bare-failure", "checks", "'sanitation' failed: say what is wrong with a note or a photo")]
    [InlineData("other-community", "courtyard", "unknown courtyard 'yongxing-6'")]
    [InlineData("too-old", "walkedAt", "within 48 hours of walking it")]
    [InlineData("stray-photo", "photos", "a photo for 'gate-lock', which is not a failed item")]
    public async Task A_round_that_is_wrong_is_refused_naming_what_and_nothing_is_stored(string kind, string field, string words)
    {
        using var volunteer = await Cloud.ClientAsync("yikang-hu");
        var now = fixture.Clock.GetUtcNow();
        var checks = PatrolItems.Default.Select(i => (object)new { item = i, ok = true }).ToList();
        var courtyard = "yikang-26";
        var at = now;
        var photos = Array.Empty<(string, byte[])>();
        switch (kind)
        {
            case "unknown-item": checks[0] = new { item = "fly-wire", ok = true }; break;
            case "missing-item": checks.RemoveAt(checks.Count - 1); break;
            case "bare-failure": checks[5] = new { item = "sanitation", ok = false, note = "  " }; break;
            case "other-community": courtyard = "yongxing-6"; break;
            case "too-old": at = now.AddDays(-3); break;
            case "stray-photo": photos = [("gate-lock", TestPhotos.RedLeftBlueRight(10, 10))]; break;
        }

        var (status, body) = await WalkAsync(volunteer, new { key = Key(), courtyard, walkedAt = at, checks }, photos);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"Invalid {field}", body, StringComparison.Ordinal);
        Assert.Contains(words, body, StringComparison.Ordinal);
        Assert.Empty(await Cloud.GetAsync<List<RoundView>>("/api/patrols/rounds?courtyard=yikang-26"));
    }

    [Fact]
    public async Task A_building_head_walks_the_courtyards_of_their_block_only()
    {
        using var head = await Cloud.ClientAsync("yikang-ma");
        var now = fixture.Clock.GetUtcNow();
        Assert.Equal(HttpStatusCode.Created, (await WalkAsync(head, AllFine("yikang-31", Key(), now))).Status);
        var (status, body) = await WalkAsync(head, AllFine("yikang-100", Key(), now)); // the south block
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("unknown courtyard 'yikang-100'", body, StringComparison.Ordinal);
        var orders = await (await head.GetAsync(new Uri("/api/work-orders", UriKind.Relative))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"yikang-100\"", orders, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_committee_keeps_the_blocks_plan_and_the_record_counts_the_rounds_walked_under_it()
    {
        using var committee = await Cloud.ClientAsync("yikang-zhang");
        using var staff = await Cloud.ClientAsync("xinyu-li");
        using var volunteer = await Cloud.ClientAsync("yikang-hu");
        var plan = new { frequency = "daily", courtyards = new[] { "yikang-100", "yikang-110" }, items = new[] { "flying-wire", "fire-lane" } };

        // Only the committee (or the street office) plans, and only with the block's courtyards and known items.
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PutAsJsonAsync("/api/patrols/plans/yikang-south", plan)).StatusCode);
        var wrong = await committee.PutAsJsonAsync("/api/patrols/plans/yikang-south", plan with { courtyards = new[] { "yikang-1" } });
        Assert.Contains("'yikang-1' is not a courtyard of block 'yikang-south'", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var foreign = await committee.PutAsJsonAsync("/api/patrols/plans/yongxing-east", plan);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode); // another community's block is none of the committee's
        (await committee.PutAsJsonAsync("/api/patrols/plans/yikang-south", plan)).EnsureSuccessStatusCode();
        var saved = (await committee.GetFromJsonAsync<List<PlanView>>("/api/patrols/plans", Json.Options))!.Single(p => p.Block == "yikang-south");
        Assert.Equal((PatrolFrequency.Daily, 2, 2), (saved.Frequency, saved.Courtyards.Count, saved.Items.Count));

        // The plan's checklist is the round's now; the rounds count at once, the days they were due once they are over
        // (the hand count of due, walked and missed days is PatrolRecordTests', on a clock of its own).
        var now = fixture.Clock.GetUtcNow();
        await WalkTwoItemsAsync(volunteer, "yikang-100", now);
        await WalkTwoItemsAsync(volunteer, "yikang-110", now);
        var (status, body) = await WalkAsync(volunteer, AllFine("yikang-100", Key(), now));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("is not on this courtyard's checklist", body, StringComparison.Ordinal);

        var period = $"from={Uri.EscapeDataString(now.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(now.AddMinutes(1).ToString("O"))}";
        var south = (await committee.GetFromJsonAsync<List<PatrolFigures>>($"/api/patrols/record?groupBy=block&{period}", Json.Options))!.Single(f => f.Key == "yikang-south");
        Assert.Equal((0, 2, 0), (south.Due, south.Rounds, south.Findings));
        var byParty = await committee.GetFromJsonAsync<List<PatrolFigures>>($"/api/patrols/record?groupBy=party&{period}", Json.Options);
        Assert.Equal(1, byParty!.Single(f => f.Key == "second-construction").Rounds);
    }

    private static async Task WalkTwoItemsAsync(HttpClient client, string courtyard, DateTimeOffset at)
    {
        var (status, body) = await WalkAsync(client, new { key = Key(), courtyard, walkedAt = at, checks = new[] { new { item = "flying-wire", ok = true }, new { item = "fire-lane", ok = true } } });
        Assert.True(status == HttpStatusCode.Created, body);
    }

    [Fact]
    public async Task A_disabled_volunteer_cannot_sign_in_and_their_open_session_ends_at_once()
    {
        using var scope = Cloud.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<Iot.Cloud.Auth.AccountService>();
        var (account, problems) = await accounts.CreateAsync(new Iot.Cloud.Auth.AccountRequest("yikang-leaver", CloudHost.Password, StaffRole.Volunteer, null, "yikang-road", "离开的志愿者"), "test");
        Assert.True(account is not null, string.Join("; ", problems));
        using var leaver = await Cloud.ClientAsync("yikang-leaver");

        Assert.True(await accounts.DisableAsync("yikang-leaver", "yikang-zhang"));
        fixture.Clock.Advance(TimeSpan.FromSeconds(1)); // the next request, however soon: the stamp is checked on every one
        Assert.Equal(HttpStatusCode.Unauthorized, (await leaver.GetAsync(new Uri("/api/session", UriKind.Relative))).StatusCode);
        using var again = Cloud.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.PostAsJsonAsync("/api/session", new { userName = "yikang-leaver", password = CloudHost.Password })).StatusCode);
    }

    [Fact]
    public async Task The_committee_makes_and_disables_its_own_volunteers_and_no_other_account()
    {
        // As a browser does: the page's form with its antiforgery token, the cookies kept.
        using var committee = Cloud.Anonymous();
        (await committee.PostAsJsonAsync("/api/session", new { userName = "yikang-zhang", password = CloudHost.Password })).EnsureSuccessStatusCode();
        async Task<(HttpStatusCode Status, string Body)> PostAsync(string handler, Dictionary<string, string> fields)
        {
            var page = await committee.GetStringAsync(new Uri("/dashboard/volunteers", UriKind.Relative));
            fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(TokenInput().Match(page).Groups[1].Value);
            using var answer = await committee.PostAsync(new Uri($"/dashboard/volunteers?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(fields));
            return (answer.StatusCode, await answer.Content.ReadAsStringAsync());
        }

        var made = await PostAsync("Create", new() { ["userName"] = "yikang-song", ["displayName"] = "宋阿姨", ["role"] = "Volunteer", ["community"] = "yikang-road", ["password"] = CloudHost.Password });
        Assert.Contains("账号 yikang-song 已创建", made.Body, StringComparison.Ordinal);
        using (var volunteer = await Cloud.ClientAsync("yikang-song"))
        {
            var session = await volunteer.GetFromJsonAsync<JsonElement>("/api/session");
            Assert.Equal(("volunteer", "yikang-road"), (session.GetProperty("role").GetString(), session.GetProperty("community").GetString()));
        }

        // Another community's volunteer, or any other kind of account, is none of the committee's.
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("Create", new() { ["userName"] = "yongxing-li", ["role"] = "Volunteer", ["community"] = "yongxing-road", ["password"] = CloudHost.Password })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("Create", new() { ["userName"] = "yikang-boss", ["role"] = "StreetAdmin", ["community"] = "yikang-road", ["password"] = CloudHost.Password })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync("Disable", new() { ["userName"] = "xinyu-li" })).Status);

        var disabled = await PostAsync("Disable", new() { ["userName"] = "yikang-song" });
        Assert.Equal(HttpStatusCode.OK, disabled.Status);
        using var again = Cloud.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.PostAsJsonAsync("/api/session", new { userName = "yikang-song", password = CloudHost.Password })).StatusCode);
        using var scope = Cloud.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Iot.Cloud.Data.CloudDb>();
        Assert.Equal(
            ["created", "disabled"],
            db.AuditLog.Where(a => a.Entity == "account" && a.EntityId == "yikang-song" && a.Actor == "yikang-zhang").OrderBy(a => a.Id).Select(a => a.Action).ToList());
    }

    [Fact]
    public async Task Open_faults_where_elderly_people_live_alone_come_first_on_the_dashboard_and_the_public_page()
    {
        using var staff = await Cloud.ClientAsync("xinyu-li");
        foreach (var (courtyard, severity) in new[] { ("yikang-26", "critical"), ("yikang-71", "minor") })
        {
            (await staff.PostAsJsonAsync("/api/work-orders", new { courtyard, fault = "care-order", title = "3号楼刘大爷家门口灯不亮", target = "streetlight", severity })).EnsureSuccessStatusCode();
        }

        // yikang-71 has two households of elderly people living alone: its minor fault is above another's critical one.
        // The list says what is wrong in its own words, never the title a person typed (it may name someone).
        using var anyone = Cloud.Anonymous();
        var page = await anyone.GetStringAsync(new Uri("/safety", UriKind.Relative));
        var list = page[page.IndexOf("id=\"open-faults\"", StringComparison.Ordinal)..];
        list = list[..list.IndexOf("</section>", StringComparison.Ordinal)];
        var care = list.IndexOf("益康路71号院", StringComparison.Ordinal);
        Assert.True(care > 0 && list.IndexOf("益康路26号院", StringComparison.Ordinal) > care, "the care courtyard's fault should be listed first on the public page");
        Assert.Contains("独居老人 2 户", list, StringComparison.Ordinal);
        Assert.DoesNotContain("刘大爷", page, StringComparison.Ordinal);
        using var committee = await Cloud.ClientAsync("yikang-zhang");
        var dashboard = await committee.GetStringAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.True(dashboard.IndexOf("益康路71号院", StringComparison.Ordinal) < dashboard.IndexOf("益康路26号院", StringComparison.Ordinal));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
