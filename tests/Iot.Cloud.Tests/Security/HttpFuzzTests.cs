using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Messages;
using Iot.Testing.Services;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Xunit.Abstractions;

namespace Iot.Cloud.Tests.Security;

/// <summary>
/// Every operation of the service's own OpenAPI document, fuzzed schemathesis-style with malformed and hostile
/// bodies, paths and queries (see <see cref="FuzzCases"/>), as the street office (who may call everything) and
/// signed out, on the real cloud with a real broker. No request may get a server error or a body with a stack trace or
/// an exception type; malformed input gets a 4xx problem that names what is wrong.
/// </summary>
public sealed class HttpFuzzTests(BrokerFixture broker, ITestOutputHelper output) : IClassFixture<BrokerFixture>
{
    private const int Seed = 20261130;

    /// <summary>Endpoints under /api that are left out of the document on purpose, and why.</summary>
    private static readonly Dictionary<string, string> Undocumented = new()
    {
        ["GET /api/live"] = "a server-sent event stream that never ends; its only inputs (courtyard, party) filter events",
    };

    private static readonly string[] Leaks = ["   at ", "Exception", "System."];

    [Fact]
    public async Task Every_operation_survives_malformed_and_hostile_input_with_a_problem_that_names_it()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), new Dictionary<string, string?>
        {
            ["Reports:PerClientPerHour"] = "100000",
            ["Reports:FreeReportsPerClient"] = "100000",
            ["Reports:PerCourtyardPerHour"] = "100000",
            ["Reports:LookupsPerClientPerMinute"] = "100000",
            ["Auth:SignInAttemptsPerMinute"] = "100000",
        }, kestrel: true);
        await cloud.WaitReadyAsync();
        var pathValues = await SeedAsync(cloud);

        using var document = JsonDocument.Parse(await cloud.Http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var operations = ApiOperation.AllOf(document);
        AssertDocumentCoversTheApi(cloud, operations);
        var unseeded = operations.SelectMany(FuzzCases.PathKeys).Distinct().Where(k => !pathValues.ContainsKey(k)).ToList();
        Assert.True(unseeded.Count == 0, "give the fuzzer a real value for these path parameters: " + string.Join(", ", unseeded));

        var anonymous = cloud.Anonymous(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var requests = 0;
        var clock = Stopwatch.StartNew();
        foreach (var (operation, index) in operations.Select((o, i) => (o, i)))
        {
            foreach (var fuzz in new FuzzCases(operation, pathValues, Plausible, Seed + index).All())
            {
                foreach (var (who, client) in new[] { ("street office", cloud.Http), ("signed out", anonymous) })
                {
                    requests++;
                    var (status, problem) = await SendAsync(client, fuzz);
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    if (problem is not null)
                    {
                        failures.Add($"{fuzz} as {who}: {problem}");
                    }
                }
            }
        }

        output.WriteLine($"{operations.Count} operations, {requests} requests in {clock.Elapsed.TotalSeconds:0.0} s; statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        foreach (var failure in failures.Take(200))
        {
            output.WriteLine(failure);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} requests failed; first: {string.Join(" || ", failures.Take(15))}");
        Assert.True(await cloud.Http.GetAsync(new Uri("/readyz", UriKind.Relative)) is { IsSuccessStatusCode: true }, "the cloud is still ready after the fuzzing");
    }

    /// <summary>Sends one case and says what is wrong with the answer, or null.</summary>
    private static async Task<(int Status, string? Problem)> SendAsync(HttpClient client, FuzzCase fuzz)
    {
        using var request = new HttpRequestMessage(fuzz.Method, new Uri(fuzz.Url, UriKind.Relative)) { Content = fuzz.Content() };

        // A large upload waits for the go-ahead, so a refusal (413) is read rather than cut off mid-send.
        request.Headers.ExpectContinue = request.Content?.Headers.ContentLength > 1_000_000;
        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var type = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
        var body = type.StartsWith("image/", StringComparison.Ordinal) ? string.Empty : await response.Content.ReadAsStringAsync();
        var excerpt = body.Length > 300 ? body[..300] + "…" : body;
        if (status >= 500)
        {
            return (status, $"{status} {excerpt}");
        }

        if (Leaks.FirstOrDefault(l => body.Contains(l, StringComparison.Ordinal)) is { } leak)
        {
            return (status, $"{status} body shows '{leak}': {excerpt}");
        }

        if (fuzz.Expect != Expect.Refusal)
        {
            return (status, null);
        }

        if (status is < 400 or >= 500)
        {
            return (status, $"{status}, expected a refusal (4xx): {excerpt}");
        }

        if (type != "application/problem+json")
        {
            return (status, $"{status} with '{type}', expected a problem body: {excerpt}");
        }

        // Refused before the input was looked at (no account, no such thing, too many): nothing to name.
        if (status is 401 or 403 or 404 or 405 or 429)
        {
            return (status, null);
        }

        using var problem = JsonDocument.Parse(body);
        var words = string.Join(' ', new[] { "title", "detail" }.Select(p => problem.RootElement.TryGetProperty(p, out var v) ? v.GetString() : null));
        if (fuzz.Names is { } name && !words.Contains(name, StringComparison.OrdinalIgnoreCase))
        {
            return (status, $"{status} problem does not name '{name}': {excerpt}");
        }

        return (status, problem.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } ? null : $"{status} problem without a detail: {excerpt}");
    }

    /// <summary>Every API endpoint the app maps is in the document (so it is fuzzed), unless left out on purpose.</summary>
    private static void AssertDocumentCoversTheApi(CloudHost cloud, List<ApiOperation> operations)
    {
        static string Normal(string path) => System.Text.RegularExpressions.Regex.Replace("/" + path.Trim('/'), @"\{(\w+)(:[^}]*)?\??\}", "{$1}");
        var documented = operations.Select(o => $"{o.Method} {Normal(o.Path)}").ToHashSet();
        var mapped = cloud.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} {Normal(e.RoutePattern.RawText!)}"))
            .ToHashSet();
        var missing = mapped.Except(documented).Except(Undocumented.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "these API endpoints are not in /openapi/v1.json, so they are not fuzzed: " + string.Join(", ", missing));
        Assert.True(operations.Count >= 40, $"only {operations.Count} operations in the document");

        // Enough to generate from: a schema for every body, and the 400 problem for anything that takes input.
        var undescribed = operations.Where(o => (o.Body is not null || o.Parameters.Count > 0) && !o.Responses.Contains("400")).Select(o => o.ToString()).ToList();
        Assert.True(undescribed.Count == 0, "these operations take input but do not document their 400 problem: " + string.Join(", ", undescribed));
    }

    /// <summary>Values for fields the handlers check against real data, so that a valid request gets past them.</summary>
    private static readonly Dictionary<string, JsonNode> Plausible = new()
    {
        ["courtyard"] = "yikang-1",
        ["category"] = "lamp",
        ["userName"] = "fuzz-nobody",
        ["password"] = "not-the-password",
        ["score"] = 3,
        ["from"] = "2026-11-30T00:00:00Z",
        ["until"] = "2026-12-01T00:00:00Z",
        ["fault"] = "fuzz-check",
        ["target"] = "gate",
        ["kind"] = "edgeEvent",
        ["severity"] = "critical",
        ["scope"] = "site",
        ["status"] = "inProgress",
        ["parameters"] = new JsonObject { ["raiseOn"] = new JsonArray("gateForced"), ["clearOn"] = new JsonArray("gateClosed") },
        ["device"] = "charger-01",
        ["outlet"] = 1,
        ["forMinutes"] = 30,
    };

    /// <summary>Makes one of everything (alert, order, photo, window, report, readings, command) and returns the ids by path parameter.</summary>
    private async Task<Dictionary<string, string>> SeedAsync(CloudHost cloud)
    {
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        var now = DateTimeOffset.UtcNow;
        await agent.TelemetryAsync(1, TestAgent.Current(0.5, now.AddMinutes(-2)), TestAgent.Current(0.6, now.AddMinutes(-1)));
        await agent.EventAsync(2, EventKind.GateForced, "gate-01", now);
        Iot.Cloud.Alerts.AlertView? alert = null;
        await CloudHost.WaitUntilAsync(async () => (alert = (await cloud.GetAsync<List<Iot.Cloud.Alerts.AlertView>>("/api/alerts")).FirstOrDefault(a => a.WorkOrderId is not null)) is not null, "an alert with a work order");
        var order = alert!.WorkOrderId!.Value;

        using var form = new MultipartFormDataContent();
        var png = new ByteArrayContent(Iot.Cloud.Tests.Support.TestPhotos.RedLeftBlueRight(20, 10, SkiaSharp.SKEncodedImageFormat.Png));
        png.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        form.Add(png, "photo", "p.png");
        var photo = await (await cloud.Http.PostAsync(new Uri($"/api/work-orders/{order}/photos", UriKind.Relative), form)).Content.ReadFromJsonAsync<JsonElement>();
        var window = await (await cloud.Http.PostAsJsonAsync("/api/maintenance", new { courtyard = "yikang-1", until = now.AddDays(1), reason = "fuzz" })).Content.ReadFromJsonAsync<JsonElement>();
        var report = await (await cloud.Http.PostAsJsonAsync("/api/reports", new { courtyard = "yikang-1", category = "gate" })).Content.ReadFromJsonAsync<JsonElement>();
        var command = await (await cloud.Http.PostAsync(new Uri("/api/agents/yikang-1-a/commands/request-status", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.PutAsJsonAsync("/api/rules/fuzz-rule", new { name = "fuzz", kind = "edgeEvent", target = "gate", fault = "fuzz-check", severity = "minor", parameters = Plausible["parameters"] })).StatusCode);

        var (notice, review) = await AssessmentSeedAsync(cloud);
        return new Dictionary<string, string>
        {
            ["alerts/{id}"] = alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["work-orders/{id}"] = order.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["photos/{photo}"] = photo.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["maintenance/{id}"] = window.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["reports/{code}"] = report.GetProperty("trackingCode").GetString()!,
            ["rules/{key}"] = "fuzz-rule",
            ["courtyards/{id}"] = "yikang-1",
            ["communities/{id}"] = "yikang-road",
            ["agents/{id}"] = "yikang-1-a",
            ["agents/{agent}"] = "yikang-1-a",
            ["sensors/{sensor}"] = "lamp-01.current",
            ["devices/{device}"] = "lamp-01",
            ["channels/{name}"] = "fuzz-channel",
            ["rota/{party}"] = "xinyu-property",
            ["commands/{id}"] = command.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),

            // The monthly assessment: a party, a month that has ended, and a notice and an exit review made below.
            ["plans/{block}"] = "yikang-north",
            ["parties/{party}"] = "cable-works",
            ["months/{month}"] = "2026-10",
            ["notices/{id}"] = notice.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["exit-reviews/{id}"] = review.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    // A signed 不合格 sheet of the cable works with its notice (one item) and an exit review.
    private static async Task<(long Notice, long Review)> AssessmentSeedAsync(CloudHost cloud)
    {
        await using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateAsyncScope(cloud.Services);
        var db = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Iot.Cloud.Data.CloudDb>(scope.ServiceProvider);
        var month = new DateOnly(2020, 1, 1);
        var sheet = new Iot.Cloud.Assessment.AssessmentSheet { PartyId = "cable-works", Month = month, Grade = Iot.Cloud.Assessment.Grade.Unsatisfactory, SignedAt = DateTimeOffset.UtcNow, SignedBy = "fuzz" };
        var notice = new Iot.Cloud.Assessment.RectificationNotice
        {
            PartyId = "cable-works", Sheet = sheet, Month = month, Reason = Iot.Cloud.Assessment.NoticeReason.Unsatisfactory, OpenedAt = DateTimeOffset.UtcNow,
            Deadline = DateTimeOffset.UtcNow.AddDays(30), Items = [new() { Kind = Iot.Cloud.Assessment.NoticeItemKind.Remarks, Text = "fuzz" }],
        };
        var review = new Iot.Cloud.Assessment.ExitReview { PartyId = "cable-works", Reason = Iot.Cloud.Assessment.ExitReason.ThreeUnsatisfactory, Month = month, OpenedAt = DateTimeOffset.UtcNow };
        db.AddRange(sheet, notice, review);
        await db.SaveChangesAsync();
        return (notice.Id, review.Id);
    }
}
