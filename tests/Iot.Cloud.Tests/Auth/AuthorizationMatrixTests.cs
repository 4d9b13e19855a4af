using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Messages;
using Iot.Testing.Services;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Auth;

/// <summary>
/// Every endpoint of the running cloud (read from its endpoint data source, so a new one fails this test until it
/// is classified here) × every role × its own data, another party's in the same community and another community's:
/// signed out is refused (401, or the sign-in page), a role that may not act is refused (403), and data outside the
/// scope is answered as if it did not exist (404, or left out of a list, or an unknown courtyard). Zero leaks.
/// </summary>
public sealed class AuthorizationMatrixTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    private readonly string _data = broker.NewFolder("cloud");

    // No retained status or cloud session of an earlier test reaches this one's cloud.
    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Who may call an endpoint at all.</summary>
    private enum Access
    {
        Public,
        Staff,
        Work,
        Maintenance,
        Notify,
        Supervise,
        Rate,
        Admin,
    }

    /// <summary>What the endpoint is about, which decides what "another's data" means for it.</summary>
    private enum Subject
    {
        /// <summary>Nothing courtyard-specific (site overview, session).</summary>
        None,

        /// <summary>A list or page of many things: must hold nothing of another's.</summary>
        List,

        /// <summary>One courtyard's thing named in the URL: another's is 404.</summary>
        Courtyard,

        /// <summary>A community named in the URL: another's is 404.</summary>
        Community,

        /// <summary>A courtyard named in the body: another's is refused as an unknown courtyard (400).</summary>
        Body,

        /// <summary>The target's party named in the body: another's is refused as an unknown party (400).</summary>
        PartyBody,
    }

    /// <param name="Refusal">The page that says "not allowed": 403 for everyone, by design.</param>
    /// <param name="Gate">
    /// The endpoint's own policy when the handler judges the role on the thing itself (the record's integrity rules),
    /// after the scope: a role through this gate but outside <paramref name="Access"/> is refused (403) on its own
    /// courtyards and finds nothing (404) on another's; a role not through the gate is refused everywhere (403).
    /// </param>
    private sealed record Probe(Access Access, Subject Subject, Func<Target, HttpRequestMessage> Request, bool Page = false, bool Stream = false, bool Refusal = false, Access? Gate = null);

    /// <summary>One courtyard's data, made by the test.</summary>
    private sealed record Target(string Courtyard, string Community, string Agent, string Party, long Alert, long Order, long Photo, long Window, string TrackingCode, long Command, long Notice = 0, long NoticeItem = 0, long Review = 0);

    private sealed record Role(string User, Access[] May, string[] Courtyards);

    private static readonly Role[] Roles =
    [
        new("xinyu-li", [Access.Staff, Access.Work], ["yikang-1"]),
        new("xinyu-wang", [Access.Staff, Access.Work, Access.Maintenance, Access.Notify], ["yikang-1"]),
        new("cable-zhao", [Access.Staff, Access.Work], ["yikang-6"]),
        new("yikang-zhang", [Access.Staff, Access.Maintenance, Access.Supervise, Access.Rate], ["yikang-1", "yikang-6"]),
        new("street-chen", [Access.Staff, Access.Work, Access.Maintenance, Access.Notify, Access.Supervise, Access.Rate, Access.Admin], ["yikang-1", "yikang-6", "yongxing-6"]),

        // Volunteers and building heads of 益康路 (both matrix courtyards are in its north block): they read, walk and
        // confirm there; they work no order, silence nothing, rate nothing and see no other community.
        new("yikang-hu", [Access.Staff], ["yikang-1", "yikang-6"]),
        new("yikang-ma", [Access.Staff], ["yikang-1", "yikang-6"]),
    ];

    private static readonly Dictionary<string, string> BlockOf = new() { ["yikang-1"] = "yikang-north", ["yikang-6"] = "yikang-north", ["yongxing-6"] = "yongxing-east" };

    private static HttpRequestMessage Round(string courtyard)
    {
        var key = Iot.Cloud.Reports.ReportKeys.New();
        var round = new { key, courtyard, checks = Iot.Cloud.Patrols.PatrolItems.Default.Select(i => new { item = i, ok = true }) };
        return new HttpRequestMessage(HttpMethod.Post, "/api/patrols/rounds")
        {
            Content = new MultipartFormDataContent { { new StringContent(JsonSerializer.Serialize(round, Json.Options)), "round" } },
        };
    }

    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

    private static HttpRequestMessage Post(string url, object body) => new(HttpMethod.Post, url) { Content = JsonContent.Create(body) };

    private static HttpRequestMessage Photo(string url)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Iot.Cloud.Tests.Support.TestPhotos.RedLeftBlueRight(20, 10, SkiaSharp.SKEncodedImageFormat.Png));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        form.Add(file, "photo", "p.png");
        return new HttpRequestMessage(HttpMethod.Post, url) { Content = form };
    }

    /// <summary>A month that has ended (the matrix's cloud runs on the real clock), for the assessment's endpoints.</summary>
    private static readonly string AssessedMonth = DateTime.UtcNow.AddMonths(-2).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every endpoint, by method and route pattern. An endpoint missing here fails the test.</summary>
    private static readonly Dictionary<string, Probe> Probes = new()
    {
        // Operations: open on the port (probes and scrapers have no account); nothing about people or orders.
        ["ANY /healthz"] = new(Access.Public, Subject.None, _ => Get("/healthz")),
        ["ANY /readyz"] = new(Access.Public, Subject.None, _ => Get("/readyz")),
        ["ANY /metrics"] = new(Access.Public, Subject.None, _ => Get("/metrics")),
        ["GET /openapi/{documentName}.json"] = new(Access.Public, Subject.None, _ => Get("/openapi/v1.json")),

        // Session.
        ["POST /api/session/"] = new(Access.Public, Subject.None, _ => Post("/api/session", new { userName = "xinyu-li", password = CloudHost.Password })),
        ["GET /api/session/"] = new(Access.Staff, Subject.None, _ => Get("/api/session")),
        ["DELETE /api/session/"] = new(Access.Staff, Subject.None, _ => new HttpRequestMessage(HttpMethod.Delete, "/api/session")),

        // Sites and readings.
        ["GET /api/site"] = new(Access.Staff, Subject.List, _ => Get("/api/site")),
        ["GET /api/parties"] = new(Access.Staff, Subject.List, _ => Get("/api/parties")),
        ["GET /api/communities/{id}"] = new(Access.Staff, Subject.Community, t => Get($"/api/communities/{t.Community}")),
        ["GET /api/courtyards"] = new(Access.Staff, Subject.List, _ => Get("/api/courtyards")),
        ["GET /api/courtyards/{id}"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/courtyards/{t.Courtyard}")),
        ["GET /api/agents"] = new(Access.Staff, Subject.List, _ => Get("/api/agents")),
        ["GET /api/agents/{id}"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/agents/{t.Agent}")),
        ["GET /api/courtyards/{id}/latest"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/courtyards/{t.Courtyard}/latest")),
        ["GET /api/courtyards/{id}/series"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/courtyards/{t.Courtyard}/series")),
        ["GET /api/agents/{agent}/sensors/{sensor}/series"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/agents/{t.Agent}/sensors/lamp-01.current/series")),
        ["GET /api/agents/{agent}/sensors/{sensor}/gaps"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/agents/{t.Agent}/sensors/lamp-01.current/gaps")),
        ["GET /api/agents/{agent}/devices/{device}/series"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/agents/{t.Agent}/devices/lamp-01/series")),

        // Ingest administration and rules: the street office only.
        ["GET /api/ingest/stats"] = new(Access.Admin, Subject.None, _ => Get("/api/ingest/stats")),
        ["GET /api/ingest/dead-letters"] = new(Access.Admin, Subject.None, _ => Get("/api/ingest/dead-letters")),
        ["GET /api/ingest/sequences"] = new(Access.Admin, Subject.None, _ => Get("/api/ingest/sequences")),
        ["GET /api/ingest/presence"] = new(Access.Admin, Subject.None, _ => Get("/api/ingest/presence")),
        ["GET /api/rules/"] = new(Access.Admin, Subject.None, _ => Get("/api/rules")),
        ["GET /api/rules/{key}/versions"] = new(Access.Admin, Subject.None, _ => Get("/api/rules/gate-forced/versions")),
        ["PUT /api/rules/{key}"] = new(Access.Admin, Subject.None, _ => new HttpRequestMessage(HttpMethod.Put, "/api/rules/gate-forced") { Content = JsonContent.Create(new { name = "门禁被强行打开", kind = "edgeEvent", target = "gate", fault = "gate-forced", severity = "critical", parameters = new { raiseOn = new[] { "gateForced" }, clearOn = new[] { "gateClosed" } } }) }),

        // Alerts and maintenance windows.
        ["GET /api/alerts"] = new(Access.Staff, Subject.List, _ => Get("/api/alerts?status=all")),
        ["GET /api/alerts/{id:long}"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/alerts/{t.Alert}")),
        ["POST /api/alerts/{id:long}/acknowledge"] = new(Access.Work, Subject.Courtyard, t => Post($"/api/alerts/{t.Alert}/acknowledge", new { note = "matrix" })),
        // The matrix's alert is a forced gate, a critical rule: only the street office closes it by hand.
        ["POST /api/alerts/{id:long}/close"] = new(Access.Admin, Subject.Courtyard, t => Post($"/api/alerts/{t.Alert}/close", new { note = "matrix" }), Gate: Access.Work),
        ["GET /api/maintenance"] = new(Access.Staff, Subject.List, _ => Get("/api/maintenance")),
        ["POST /api/maintenance"] = new(Access.Maintenance, Subject.Body, t => Post("/api/maintenance", new { courtyard = t.Courtyard, until = DateTimeOffset.UtcNow.AddHours(1), reason = "matrix" })),
        ["POST /api/maintenance/{id:long}/end"] = new(Access.Maintenance, Subject.Courtyard, t => Post($"/api/maintenance/{t.Window}/end", new { })),

        // Work orders, their photos and ratings.
        ["GET /api/work-orders/"] = new(Access.Staff, Subject.List, _ => Get("/api/work-orders")),
        ["GET /api/work-orders/{id:long}"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/work-orders/{t.Order}")),
        ["POST /api/work-orders/"] = new(Access.Work, Subject.Body, t => Post("/api/work-orders", new { courtyard = t.Courtyard, fault = "matrix-check", title = "矩阵检查", target = "other" })),
        // Working an order is the party's (WorkOrderRoles); the community confirms repairs (WorkOrderIntegrityTests).
        ["POST /api/work-orders/{id:long}/status"] = new(Access.Work, Subject.Courtyard, t => Post($"/api/work-orders/{t.Order}/status", new { status = "inProgress" }), Gate: Access.Staff),
        ["POST /api/work-orders/{id:long}/comments"] = new(Access.Staff, Subject.Courtyard, t => Post($"/api/work-orders/{t.Order}/comments", new { text = "矩阵" })),
        ["POST /api/work-orders/{id:long}/photos"] = new(Access.Work, Subject.Courtyard, t => Photo($"/api/work-orders/{t.Order}/photos")),
        ["GET /api/work-orders/{id:long}/photos/{photo:long}"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/work-orders/{t.Order}/photos/{t.Photo}")),
        ["POST /api/work-orders/{id:long}/rating"] = new(Access.Rate, Subject.Courtyard, t => Post($"/api/work-orders/{t.Order}/rating", new { score = 4 })),

        // Commands to agents: sending is work; reading follows the courtyard (a reset without an open cut-off order is 409, yet in scope).
        ["POST /api/agents/{agent}/commands/reset-outlet"] = new(Access.Work, Subject.Courtyard, t => Post($"/api/agents/{t.Agent}/commands/reset-outlet", new { device = "charger-01", outlet = 1, reason = "矩阵", checklist = new { batteryRemoved = true, socketInspected = true, noSmellOrSmoke = true } })),
        ["POST /api/agents/{agent}/commands/switch-lamp"] = new(Access.Work, Subject.Courtyard, t => Post($"/api/agents/{t.Agent}/commands/switch-lamp", new { device = "lamp-01", on = true, forMinutes = 5, reason = "矩阵" })),
        ["POST /api/agents/{agent}/commands/request-status"] = new(Access.Work, Subject.Courtyard, t => Post($"/api/agents/{t.Agent}/commands/request-status", new { })),
        ["GET /api/commands/{id:long}"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/commands/{t.Command}")),
        ["GET /api/work-orders/{id:long}/deliveries"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/work-orders/{t.Order}/deliveries")),

        // Notification channels and rotas: the street office (every party's) and a company's supervisor (its own) see them
        // (never a secret), change them and send a test message; nobody else.
        ["GET /api/notifications/channels/"] = new(Access.Notify, Subject.List, _ => Get("/api/notifications/channels")),
        ["PUT /api/notifications/channels/{name}"] = new(Access.Notify, Subject.PartyBody, t => new HttpRequestMessage(HttpMethod.Put, $"/api/notifications/channels/matrix-{t.Party}") { Content = JsonContent.Create(new { party = t.Party, kind = "weCom", url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=matrix" }) }),
        ["DELETE /api/notifications/channels/{name}"] = new(Access.Notify, Subject.None, _ => new HttpRequestMessage(HttpMethod.Delete, "/api/notifications/channels/matrix-none")),
        ["POST /api/notifications/channels/{name}/test"] = new(Access.Notify, Subject.None, _ => Post("/api/notifications/channels/matrix/test", new { })),
        ["GET /api/notifications/rota/"] = new(Access.Notify, Subject.List, _ => Get("/api/notifications/rota")),
        ["PUT /api/notifications/rota/{party}"] = new(Access.Notify, Subject.Courtyard, t => new HttpRequestMessage(HttpMethod.Put, $"/api/notifications/rota/{t.Party}") { Content = JsonContent.Create(new { fallback = "13800000009" }) }),
        ["DELETE /api/notifications/rota/{party}"] = new(Access.Notify, Subject.None, _ => new HttpRequestMessage(HttpMethod.Delete, "/api/notifications/rota/nobody")),
        ["GET /api/work-orders/{id:long}/commands"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/work-orders/{t.Order}/commands")),
        ["GET /api/courtyards/{id}/commands"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/courtyards/{t.Courtyard}/commands")),

        // Block patrols: everyone walks the courtyards in their scope; the committee and the street office keep the plans
        // (another community's block is none of the committee's: 404, like any other out-of-scope thing).
        ["GET /api/patrols/plans"] = new(Access.Staff, Subject.List, _ => Get("/api/patrols/plans")),
        ["PUT /api/patrols/plans/{block}"] = new(Access.Supervise, Subject.Community, t => new HttpRequestMessage(HttpMethod.Put, $"/api/patrols/plans/{BlockOf[t.Courtyard]}") { Content = JsonContent.Create(new { frequency = "weekly", courtyards = new[] { t.Courtyard }, items = Iot.Cloud.Patrols.PatrolItems.Default }) }),
        ["GET /api/patrols/rounds"] = new(Access.Staff, Subject.List, _ => Get("/api/patrols/rounds")),
        ["POST /api/patrols/rounds"] = new(Access.Staff, Subject.Body, t => Round(t.Courtyard)),
        ["GET /api/patrols/record"] = new(Access.Staff, Subject.List, _ => Get("/api/patrols/record?groupBy=block")),

        // Resident reports: open to everyone, limited per client and courtyard.
        ["POST /api/reports/"] = new(Access.Public, Subject.None, t => Post("/api/reports", new { courtyard = t.Courtyard, category = "lamp" })),
        ["GET /api/reports/{code}"] = new(Access.Public, Subject.None, t => Get($"/api/reports/{t.TrackingCode}")),
        ["GET /api/reports/challenge"] = new(Access.Public, Subject.None, _ => Get("/api/reports/challenge")),
        ["POST /api/reports/{code}/photo"] = new(Access.Public, Subject.None, t => Photo($"/api/reports/{t.TrackingCode}/photo")),

        // Supervision (grouped by courtyard so a leak would show) and the live feed.
        ["GET /api/supervision/"] = new(Access.Staff, Subject.List, _ => Get("/api/supervision?groupBy=courtyard")),
        ["GET /api/supervision/csv"] = new(Access.Staff, Subject.List, _ => Get("/api/supervision/csv?groupBy=courtyard")),
        ["GET /api/live"] = new(Access.Staff, Subject.None, _ => Get("/api/live"), Stream: true),

        // Monthly assessment: a party's sheets, notices and sign-off follow the courtyards it answers for (another's is 404);
        // the committee scores, signs and closes, the party answers its notice, the street office sets thresholds and decides exit reviews.
        ["GET /api/assessment/sheets"] = new(Access.Staff, Subject.List, _ => Get($"/api/assessment/sheets?month={AssessedMonth}")),
        ["GET /api/assessment/parties/{party}"] = new(Access.Staff, Subject.Courtyard, t => Get($"/api/assessment/parties/{t.Party}")),
        ["POST /api/assessment/parties/{party}/months/{month}/score"] = new(Access.Supervise, Subject.Courtyard, t => Post($"/api/assessment/parties/{t.Party}/months/{AssessedMonth}/score", new { committeeScore = 80 })),
        ["POST /api/assessment/parties/{party}/months/{month}/sign"] = new(Access.Supervise, Subject.Courtyard, t => Post($"/api/assessment/parties/{t.Party}/months/{AssessedMonth}/sign", new { })),
        ["GET /api/assessment/notices"] = new(Access.Staff, Subject.List, _ => Get("/api/assessment/notices")),
        ["POST /api/assessment/notices/{id:long}/answer"] = new(Access.Work, Subject.Courtyard, t => Post($"/api/assessment/notices/{t.Notice}/answer", new { item = t.NoticeItem, note = "已整改" })),
        ["POST /api/assessment/notices/{id:long}/close"] = new(Access.Supervise, Subject.Courtyard, t => Post($"/api/assessment/notices/{t.Notice}/close", new { note = "复查合格" })),
        ["GET /api/assessment/thresholds"] = new(Access.Staff, Subject.None, _ => Get("/api/assessment/thresholds")),
        ["PUT /api/assessment/thresholds"] = new(Access.Admin, Subject.None, _ => new HttpRequestMessage(HttpMethod.Put, "/api/assessment/thresholds") { Content = JsonContent.Create(new { excellent = 90, satisfactory = 75, needsRectification = 60, noticeDays = 30 }) }),
        ["GET /api/assessment/exit-reviews"] = new(Access.Admin, Subject.None, _ => Get("/api/assessment/exit-reviews")),
        ["POST /api/assessment/exit-reviews/{id:long}/decide"] = new(Access.Admin, Subject.None, t => Post($"/api/assessment/exit-reviews/{t.Review}/decide", new { decision = "stay", note = "限期整改" })),
        ["PAGE /dashboard/assessment"] = new(Access.Staff, Subject.List, _ => Get($"/dashboard/assessment?month={AssessedMonth}"), Page: true),
        ["PAGE /dashboard/assessment/report"] = new(Access.Staff, Subject.List, _ => Get($"/dashboard/assessment/report?month={AssessedMonth}"), Page: true),

        // Pages.
        ["PAGE /"] = new(Access.Public, Subject.None, _ => Get("/"), Page: true),
        ["PAGE /login"] = new(Access.Public, Subject.None, _ => Get("/login"), Page: true),
        ["PAGE /logout"] = new(Access.Public, Subject.None, _ => Get("/logout"), Page: true),
        ["PAGE /denied"] = new(Access.Public, Subject.None, _ => Get("/denied"), Page: true, Refusal: true),
        ["PAGE /status/{code:int}"] = new(Access.Public, Subject.None, _ => Get("/status/404"), Page: true),
        ["PAGE /report"] = new(Access.Public, Subject.None, _ => Get("/report"), Page: true),
        ["PAGE /r/{courtyard}"] = new(Access.Public, Subject.None, t => Get($"/r/{t.Courtyard}"), Page: true),
        ["PAGE /r/track/{code?}"] = new(Access.Public, Subject.None, t => Get($"/r/track/{t.TrackingCode}"), Page: true),
        ["PAGE /safety"] = new(Access.Public, Subject.None, _ => Get("/safety"), Page: true),
        ["GET /qr/{courtyard}.svg"] = new(Access.Public, Subject.None, t => Get($"/qr/{t.Courtyard}.svg")),
        ["GET /lang/{code}"] = new(Access.Public, Subject.None, _ => Get("/lang/en?back=/"), Page: true),
        ["PAGE /console"] = new(Access.Staff, Subject.List, _ => Get("/console"), Page: true),
        ["PAGE /console/orders/{id:long}"] = new(Access.Staff, Subject.Courtyard, t => Get($"/console/orders/{t.Order}"), Page: true),
        ["PAGE /console/courtyards/{id}"] = new(Access.Staff, Subject.Courtyard, t => Get($"/console/courtyards/{t.Courtyard}"), Page: true),
        ["PAGE /console/qr"] = new(Access.Staff, Subject.List, _ => Get("/console/qr"), Page: true),
        ["PAGE /dashboard"] = new(Access.Staff, Subject.List, _ => Get("/dashboard"), Page: true),
        ["PAGE /dashboard/weekly"] = new(Access.Staff, Subject.List, _ => Get("/dashboard/weekly"), Page: true),
        ["PAGE /dashboard/audit"] = new(Access.Supervise, Subject.List, _ => Get("/dashboard/audit"), Page: true),
        ["PAGE /dashboard/volunteers"] = new(Access.Supervise, Subject.List, _ => Get("/dashboard/volunteers"), Page: true),
        ["PAGE /dashboard/patrols"] = new(Access.Supervise, Subject.List, _ => Get("/dashboard/patrols"), Page: true),
        ["PAGE /patrol"] = new(Access.Staff, Subject.List, _ => Get("/patrol"), Page: true),
        ["PAGE /patrol/{courtyard}"] = new(Access.Staff, Subject.Courtyard, t => Get($"/patrol/{t.Courtyard}"), Page: true),
        ["PAGE /admin/accounts"] = new(Access.Admin, Subject.None, _ => Get("/admin/accounts"), Page: true),
        ["PAGE /account/password"] = new(Access.Staff, Subject.None, _ => Get("/account/password"), Page: true),
        ["PAGE /admin/rules"] = new(Access.Admin, Subject.None, _ => Get("/admin/rules"), Page: true),
        ["PAGE /admin/notifications"] = new(Access.Notify, Subject.None, _ => Get("/admin/notifications"), Page: true),
    };

    [Fact]
    public async Task Every_endpoint_refuses_every_role_outside_its_scope_and_leaks_nothing()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data, new Dictionary<string, string?>
        {
            ["Reports:PerClientPerHour"] = "10000",
            ["Reports:FreeReportsPerClient"] = "10000",
            ["Reports:PerCourtyardPerHour"] = "10000",
            ["Reports:LookupsPerClientPerMinute"] = "10000",
            ["Auth:SignInAttemptsPerMinute"] = "10000",
        });
        await cloud.WaitReadyAsync();

        var endpoints = cloud.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}")
                ?? (e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.CompiledPageActionDescriptor>() is not null || e.Metadata.OfType<Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor>().Any()
                    ? [$"PAGE /{e.RoutePattern.RawText!.TrimStart('/')}"]
                    : [$"ANY /{e.RoutePattern.RawText!.TrimStart('/')}"]))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var unclassified = endpoints.Where(e => !Probes.ContainsKey(e)).ToList();
        Assert.True(unclassified.Count == 0, "classify these endpoints in the matrix: " + string.Join(", ", unclassified));
        Assert.True(endpoints.Count >= 60, $"only {endpoints.Count} endpoints found");

        var targets = await MakeDataAsync(cloud);
        var anonymous = cloud.Anonymous(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var clients = Roles.ToDictionary(r => r.User, r => cloud.Client(r.User));
        var failures = new List<string>();
        var checks = 0;
        foreach (var name in endpoints)
        {
            var probe = Probes[name];
            if (probe.Refusal)
            {
                using var refusal = await SendAsync(anonymous, probe.Request(targets[0]), probe.Stream);
                using var signedIn = await SendAsync(clients["street-chen"], probe.Request(targets[0]), probe.Stream);
                checks += 2;
                if (refusal.StatusCode != HttpStatusCode.Forbidden || signedIn.StatusCode != HttpStatusCode.Forbidden)
                {
                    failures.Add($"{name}: {(int)refusal.StatusCode} and {(int)signedIn.StatusCode}, expected 403 (the refusal page)");
                }

                continue;
            }

            // Signed out.
            using (var response = await SendAsync(anonymous, probe.Request(targets[0]), probe.Stream))
            {
                checks++;
                var refused = probe.Page ? IsRedirectTo(response, "/login") : response.StatusCode == HttpStatusCode.Unauthorized;
                if (probe.Access == Access.Public ? refused || response.StatusCode == HttpStatusCode.Forbidden : !refused)
                {
                    failures.Add($"{name} signed out: {(int)response.StatusCode} {response.Headers.Location}");
                }
            }

            foreach (var role in Roles)
            {
                var client = clients[role.User];
                foreach (var target in targets)
                {
                    var own = probe.Subject == Subject.Community
                        ? targets.Any(t => t.Community == target.Community && role.Courtyards.Contains(t.Courtyard))
                        : role.Courtyards.Contains(target.Courtyard);
                    var foreign = targets.Where(t => !role.Courtyards.Contains(t.Courtyard)).ToList();
                    using var response = await SendAsync(client, probe.Request(target), probe.Stream);
                    checks++;
                    var body = probe.Stream ? string.Empty : await response.Content.ReadAsStringAsync();
                    var status = (int)response.StatusCode;
                    var what = $"{name} as {role.User} on {target.Courtyard}: {status}";
                    if (probe.Access != Access.Public && !role.May.Contains(probe.Access))
                    {
                        if (probe.Gate is { } gate && role.May.Contains(gate) ? status != (own ? 403 : 404) : !(probe.Page ? IsRedirectTo(response, "/denied") : status == 403))
                        {
                            failures.Add($"{what}, expected refusal of the role");
                        }

                        continue;
                    }

                    if (status is 401 or 403 || (probe.Page && IsRedirectTo(response, "/login")))
                    {
                        failures.Add($"{what}, expected the role to be allowed");
                        continue;
                    }

                    switch (probe.Subject)
                    {
                        case Subject.Courtyard or Subject.Community when !own && status != 404:
                            failures.Add($"{what}, expected 404 for another's data");
                            break;
                        case Subject.Courtyard or Subject.Community when own && status == 404:
                            failures.Add($"{what}, expected its own data");
                            break;
                        case Subject.Body when !own && !(status == 400 && body.Contains("unknown courtyard", StringComparison.Ordinal)):
                            failures.Add($"{what}, expected 'unknown courtyard' for another's");
                            break;
                        case Subject.Body when own && status is not (200 or 201):
                            failures.Add($"{what}, expected to create in its own courtyard");
                            break;
                        case Subject.PartyBody when !own && !(status == 400 && body.Contains("unknown party", StringComparison.Ordinal)):
                            failures.Add($"{what}, expected 'unknown party' for another's");
                            break;
                        case Subject.PartyBody when own && status != 200:
                            failures.Add($"{what}, expected to save for its own party");
                            break;
                    }

                    // Whatever answered must not show another's courtyards, orders or alerts.
                    if (probe.Access != Access.Public && probe.Access != Access.Admin && status < 300)
                    {
                        foreach (var other in foreign)
                        {
                            if (body.Contains($"\"{other.Courtyard}\"", StringComparison.Ordinal) || body.Contains($"/{other.Courtyard}\"", StringComparison.Ordinal))
                            {
                                failures.Add($"{what} leaks courtyard {other.Courtyard}");
                            }
                        }
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {checks} checks failed:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Site_and_parties_show_each_role_its_own_party_and_communities_and_no_other_companys_phone()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data);
        await cloud.WaitReadyAsync();
        string[] yikangParties = ["cable-works", "geology-team", "grain-bureau", "machine-tool", "second-construction", "supply-coop", "xinyu-property", "yikang-rc"];
        var expected = new Dictionary<string, (string[] Parties, string[] Communities)>
        {
            // A company's and a unit's people: their own party and the committee of the community they serve.
            ["xinyu-li"] = (["xinyu-property", "yikang-rc"], ["yikang-road"]),
            ["xinyu-wang"] = (["xinyu-property", "yikang-rc"], ["yikang-road"]),
            ["cable-zhao"] = (["cable-works", "yikang-rc"], ["yikang-road"]),

            // A community's people: their committee and the parties that answer for its courtyards.
            ["yikang-zhang"] = (yikangParties, ["yikang-road"]),
            ["yikang-hu"] = (yikangParties, ["yikang-road"]),
        };
        var all = await cloud.GetAsync<List<Iot.Cloud.Sites.PartyView>>("/api/parties");
        Assert.Equal(16, all.Count);
        Assert.Equal(3, (await cloud.GetAsync<Iot.Cloud.Sites.SiteView>("/api/site")).Communities.Count);

        var failures = new List<string>();
        foreach (var (user, (parties, communities)) in expected)
        {
            var client = cloud.Client(user);
            var body = await client.GetStringAsync(new Uri("/api/parties", UriKind.Relative));
            var seen = JsonSerializer.Deserialize<List<Iot.Cloud.Sites.PartyView>>(body, Json.Options)!;
            if (!seen.Select(p => p.Id).SequenceEqual(parties))
            {
                failures.Add($"{user} /api/parties: {string.Join(", ", seen.Select(p => p.Id))}");
            }

            // No phone number of a party outside the scope, anywhere in the answers.
            var site = await client.GetStringAsync(new Uri("/api/site", UriKind.Relative));
            foreach (var other in all.Where(p => p.Phone is not null && !parties.Contains(p.Id)))
            {
                if (body.Contains(other.Phone!, StringComparison.Ordinal) || site.Contains(other.Phone!, StringComparison.Ordinal))
                {
                    failures.Add($"{user} sees {other.Id}'s phone");
                }
            }

            var view = JsonSerializer.Deserialize<Iot.Cloud.Sites.SiteView>(site, Json.Options)!;
            if (!view.Communities.Select(c => c.Id).SequenceEqual(communities) || view.ManifestProblems.Count != 0
                || view.Communities.SelectMany(c => c.Blocks).Any(b => b.PropertyCompany is { } company && !parties.Contains(company)))
            {
                failures.Add($"{user} /api/site: {site}");
            }
        }

        // A building head: the parties of the block's courtyards and the committee, within the community's.
        var head = await (await cloud.ClientAsync("yikang-ma")).GetFromJsonAsync<List<Iot.Cloud.Sites.PartyView>>("/api/parties", Json.Options);
        Assert.Contains(head!, p => p.Id == "yikang-rc");
        Assert.All(head!, p => Assert.Contains(p.Id, yikangParties));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task The_live_feed_carries_only_what_is_in_scope()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data);
        await cloud.WaitReadyAsync();
        using var staff = new LiveListener(await cloud.ClientAsync("xinyu-li"));
        using var community = new LiveListener(await cloud.ClientAsync("yikang-zhang"));
        await staff.ConnectedAsync();
        await community.ConnectedAsync();

        foreach (var courtyard in new[] { "yongxing-6", "yikang-6", "yikang-1" })
        {
            (await cloud.Http.PostAsJsonAsync("/api/work-orders", new { courtyard, fault = "live-check", title = $"live {courtyard}", target = "other" })).EnsureSuccessStatusCode();
        }

        // Events arrive in order: once the last one is there, the others would have been too.
        await staff.WaitForAsync("live yikang-1");
        await community.WaitForAsync("live yikang-1");
        Assert.DoesNotContain("yikang-6", staff.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("yongxing-6", staff.Text, StringComparison.Ordinal);
        Assert.Contains("live yikang-6", community.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("yongxing-6", community.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_residents_call_back_number_reaches_the_responsible_partys_staff_and_no_one_else()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data);
        await cloud.WaitReadyAsync();
        const string phone = "138 8712 3456";
        var resident = cloud.Anonymous(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var reported = await resident.PostAsJsonAsync("/api/reports", new { courtyard = "yikang-1", category = "lamp", text = "3栋门口的灯不亮", phone });
        reported.EnsureSuccessStatusCode();
        var receipt = await reported.Content.ReadFromJsonAsync<JsonElement>();
        var code = receipt.GetProperty("trackingCode").GetString()!;
        var number = receipt.GetProperty("number").GetString()!;
        var id = (await cloud.GetAsync<List<Iot.Cloud.WorkOrders.WorkOrderView>>("/api/work-orders")).Single(o => o.Number == number).Id;

        // The company that answers for 益康路1号院 (its worker and its supervisor): in the order's detail and on its page.
        string[] responsible = ["xinyu-li", "xinyu-wang"];
        using var staff = new LiveListener(await cloud.ClientAsync("xinyu-li"));
        using var community = new LiveListener(await cloud.ClientAsync("yikang-zhang"));
        await staff.ConnectedAsync();
        await community.ConnectedAsync();
        var leaks = new List<string>();
        foreach (var role in Roles)
        {
            var client = cloud.Client(role.User);
            foreach (var (url, shows) in new[]
            {
                ($"/api/work-orders/{id}", responsible.Contains(role.User)),
                ($"/console/orders/{id}", responsible.Contains(role.User)),
                ($"/console/orders/{id}", responsible.Contains(role.User)),
                ("/api/work-orders?open=true", false),
                ("/console", false),
                ("/api/supervision/csv?groupBy=courtyard", false),
                ("/dashboard", false),
            })
            {
                using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                if (body.Contains(phone, StringComparison.Ordinal) != shows || (!shows && body.Contains(phone.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal)))
                {
                    leaks.Add($"{role.User} {url}: {(shows ? "does not show" : "shows")} the number");
                }
            }
        }

        // Public pages, the resident's own tracking, and the live feed (its events go to the community as well) carry none.
        foreach (var url in new[] { $"/api/reports/{code}", $"/r/track/{code}", "/safety" })
        {
            if ((await resident.GetStringAsync(new Uri(url, UriKind.Relative))).Contains(phone, StringComparison.Ordinal))
            {
                leaks.Add($"public {url} shows the number");
            }
        }

        (await cloud.Client("xinyu-li").PostAsJsonAsync($"/api/work-orders/{id}/status", new { status = "inProgress" })).EnsureSuccessStatusCode();
        await staff.WaitForAsync("\"inProgress\"");
        await community.WaitForAsync("\"inProgress\"");
        Assert.DoesNotContain(phone, staff.Text + community.Text, StringComparison.Ordinal);
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));

        // Who was shown it is on the record, once each however often they looked.
        var detail = await cloud.GetAsync<JsonElement>($"/api/work-orders/{id}");
        var viewers = detail.GetProperty("audit").EnumerateArray().Where(a => a.GetProperty("action").GetString() == "phone-viewed").Select(a => a.GetProperty("actor").GetString()).ToList();
        Assert.Equal(responsible, viewers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Sign_in_attempts_from_one_client_are_throttled_across_accounts()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data, new Dictionary<string, string?> { ["Auth:SignInAttemptsPerMinute"] = "4" });
        var http = cloud.Anonymous(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var statuses = new List<HttpStatusCode>();
        foreach (var user in new[] { "a-one", "b-two", "c-three", "d-four", "e-five", "f-six" })
        {
            using var response = await http.PostAsJsonAsync("/api/session", new { userName = user, password = "password-spray" });
            statuses.Add(response.StatusCode);
        }

        // At most four answers in the minute, then refusals only (the test host's own sign-ins share the allowance).
        var answered = statuses.TakeWhile(s => s == HttpStatusCode.Unauthorized).Count();
        Assert.InRange(answered, 1, 4);
        Assert.All(statuses.Skip(answered), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }

    private static bool IsRedirectTo(HttpResponseMessage response, string path) =>
        (int)response.StatusCode is >= 300 and < 400 && response.Headers.Location?.OriginalString.Contains(path, StringComparison.Ordinal) == true;

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, bool stream)
    {
        using (request)
        {
            return await client.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
        }
    }

    // In each of three courtyards (Xinyu's, the cable works', and Anju's in another community): an alert with its
    // work order (a forced gate), a photo, a maintenance window, a resident report and a command to its agent.
    private async Task<List<Target>> MakeDataAsync(CloudHost cloud)
    {
        var targets = new List<Target>();
        foreach (var (courtyard, community, agentId, party) in new[]
        {
            ("yikang-1", "yikang-road", "yikang-1-a", "xinyu-property"),
            ("yikang-6", "yikang-road", "yikang-6-a", "cable-works"),
            ("yongxing-6", "yongxing-road", "yongxing-6-a", "anju-property"),
        })
        {
            await using var agent = await TestAgent.ConnectAsync(broker.Port, courtyard, agentId);
            await agent.EventAsync(1, EventKind.GateForced, "gate-01", DateTimeOffset.UtcNow);
            var alert = await WaitForAsync(async () => (await cloud.GetAsync<List<Iot.Cloud.Alerts.AlertView>>($"/api/alerts?courtyard={courtyard}")).FirstOrDefault(a => a.WorkOrderId is not null));
            var photo = await (await cloud.Http.SendAsync(Photo($"/api/work-orders/{alert.WorkOrderId}/photos"))).Content.ReadFromJsonAsync<JsonElement>();
            var window = await (await cloud.Http.PostAsJsonAsync("/api/maintenance", new { courtyard, until = DateTimeOffset.UtcNow.AddDays(1), reason = "matrix" })).Content.ReadFromJsonAsync<JsonElement>();
            var report = await (await cloud.Http.PostAsJsonAsync("/api/reports", new { courtyard, category = "gate" })).Content.ReadFromJsonAsync<JsonElement>();
            var command = await (await cloud.Http.PostAsJsonAsync($"/api/agents/{agentId}/commands/request-status", new { })).Content.ReadFromJsonAsync<JsonElement>();
            targets.Add(new Target(courtyard, community, agentId, party, alert.Id, alert.WorkOrderId!.Value, photo.GetProperty("id").GetInt64(), window.GetProperty("id").GetInt64(), report.GetProperty("trackingCode").GetString()!, command.GetProperty("id").GetInt64()));
        }

        return await WithAssessmentAsync(cloud, targets);
    }

    // Each target's party gets a signed 不合格 sheet with its notice (one item) and an exit review.
    private static async Task<List<Target>> WithAssessmentAsync(CloudHost cloud, List<Target> targets)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Iot.Cloud.Data.CloudDb>();
        var month = new DateOnly(2020, 1, 1);
        var made = new List<Target>();
        foreach (var t in targets)
        {
            var sheet = new Iot.Cloud.Assessment.AssessmentSheet { PartyId = t.Party, Month = month, Grade = Iot.Cloud.Assessment.Grade.Unsatisfactory, SignedAt = DateTimeOffset.UtcNow, SignedBy = "matrix" };
            var notice = new Iot.Cloud.Assessment.RectificationNotice
            {
                PartyId = t.Party, Sheet = sheet, Month = month, Reason = Iot.Cloud.Assessment.NoticeReason.Unsatisfactory, OpenedAt = DateTimeOffset.UtcNow,
                Deadline = DateTimeOffset.UtcNow.AddDays(30), Items = [new() { Kind = Iot.Cloud.Assessment.NoticeItemKind.Remarks, Text = "矩阵" }],
            };
            var review = new Iot.Cloud.Assessment.ExitReview { PartyId = t.Party, Reason = Iot.Cloud.Assessment.ExitReason.ThreeUnsatisfactory, Month = month, OpenedAt = DateTimeOffset.UtcNow };
            db.AddRange(sheet, notice, review);
            await db.SaveChangesAsync();
            made.Add(t with { Notice = notice.Id, NoticeItem = notice.Items[0].Id, Review = review.Id });
        }

        return made;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> find)
        where T : class
    {
        T? found = null;
        await CloudHost.WaitUntilAsync(async () => (found = await find()) is not null, typeof(T).Name);
        return found!;
    }
}
