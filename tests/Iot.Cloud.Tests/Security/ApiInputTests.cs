using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Testing.Services;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Iot.Cloud.Tests.Security;

/// <summary>One cloud shared by the input regression cases below.</summary>
public sealed class ApiInputCloud : IAsyncLifetime
{
    // A class fixture cannot take another, so this one holds its broker fixture itself.
    private readonly BrokerFixture _broker = new();

    public CloudHost Cloud { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        Cloud = await CloudHost.StartAsync(_broker.Port, _broker.NewFolder("cloud"), new Dictionary<string, string?> { ["Reports:PerClientPerHour"] = "1000", ["Reports:FreeReportsPerClient"] = "1000" });
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
/// What the HTTP fuzzer found, one case each: unreadable input is a 4xx problem that names the field, and values
/// that used to reach the handlers and fail there (a 500) are refused with a reason.
/// </summary>
public sealed class ApiInputTests(ApiInputCloud fixture) : IClassFixture<ApiInputCloud>
{
    private CloudHost Cloud => fixture.Cloud;

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, string Title, string Detail)> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, problem.RootElement.GetProperty("title").GetString()!, problem.RootElement.GetProperty("detail").GetString()!);
    }

    [Theory]
    [InlineData("{\"courtyard\": 5, \"category\": \"lamp\"}", "courtyard")]
    [InlineData("{\"category\": \"lamp\"}", "courtyard")]
    [InlineData("{\"courtyard\": \"yikang-1\", \"category\": [1]}", "category")]
    [InlineData("{\"courtyard\": \"yikang-1\"", "not valid JSON")]
    [InlineData("[]", "JSON object")]
    public async Task Unreadable_json_is_a_400_problem_that_names_what_is_wrong(string body, string named)
    {
        using var anonymous = Cloud.Anonymous();
        var (status, title, detail) = await ProblemAsync(await anonymous.PostAsync(new Uri("/api/reports", UriKind.Relative), JsonBody(body)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(named, title + " " + detail, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/alerts?limit=abc", "limit: 'abc'")]
    [InlineData("/api/alerts?courtyard=Yikang%201", "courtyard: 'Yikang 1'")]
    [InlineData("/api/work-orders?courtyard=..%2Fetc", "courtyard: '../etc'")]
    [InlineData("/api/ingest/dead-letters?agent=a%00b", "agent: ")]
    public async Task A_query_value_of_the_wrong_type_is_a_400_problem_naming_the_parameter(string url, string named)
    {
        var (status, _, detail) = await ProblemAsync(await Cloud.Http.GetAsync(new Uri(url, UriKind.Relative)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(named, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Optional_fields_may_be_left_out()
    {
        using var anonymous = Cloud.Anonymous();
        var report = await anonymous.PostAsync(new Uri("/api/reports", UriKind.Relative), JsonBody("{\"courtyard\": \"yikang-1\", \"category\": \"other\"}"));
        Assert.Equal(HttpStatusCode.Created, report.StatusCode);
        var order = await Cloud.Http.PostAsync(new Uri("/api/work-orders", UriKind.Relative), JsonBody("{\"courtyard\": \"yikang-1\", \"fault\": \"loose-tile\", \"title\": \"瓷砖松动\"}"));
        Assert.Equal(HttpStatusCode.Created, order.StatusCode);
    }

    [Fact]
    public async Task A_wrong_media_type_on_an_open_endpoint_is_415_for_someone_signed_out_not_401()
    {
        using var anonymous = Cloud.Anonymous();
        var (status, _, detail) = await ProblemAsync(await anonymous.PostAsync(new Uri("/api/reports", UriKind.Relative), new StringContent("lamp broken", Encoding.UTF8, "text/plain")));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("application/json", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/agents/yikang-1-a/sensors/lamp-01.current/series?to=0001-01-01T00:00:00Z")]
    [InlineData("/api/courtyards/yikang-1/series?from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z")]
    [InlineData("/api/supervision?to=0001-01-01T00:00:00Z")]
    [InlineData("/api/supervision/csv?from=9999-12-30T00:00:00Z")]
    public async Task Times_outside_2000_to_2200_are_refused_not_an_overflow(string url)
    {
        var (status, _, detail) = await ProblemAsync(await Cloud.Http.GetAsync(new Uri(url, UriKind.Relative)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("between 2000 and 2200", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public async Task A_gap_interval_that_is_not_a_number_is_refused(string value)
    {
        var response = await Cloud.Http.GetAsync(new Uri($"/api/agents/yikang-1-a/sensors/lamp-01.current/gaps?maxIntervalSeconds={value}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_second_open_order_for_the_same_fault_and_subject_is_a_conflict_naming_the_first()
    {
        var body = new { courtyard = "yikang-1", fault = "bench-broken", title = "长椅损坏", subject = "yikang-1/bench-3" };
        var first = await (await Cloud.Http.PostAsJsonAsync("/api/work-orders", body)).Content.ReadFromJsonAsync<WorkOrderView>(Json.Options);
        var (status, _, detail) = await ProblemAsync(await Cloud.Http.PostAsJsonAsync("/api/work-orders", body));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains(first!.Number, detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/work-orders", "{\"courtyard\": \"yikang-1\", \"fault\": \"enum-number\", \"title\": \"x\", \"severity\": 999}", "severity")]
    [InlineData("/api/work-orders/1/status", "{\"status\": 999}", "status")]
    public async Task Enums_are_accepted_by_name_only(string url, string body, string named)
    {
        var (status, title, _) = await ProblemAsync(await Cloud.Http.PostAsync(new Uri(url, UriKind.Relative), JsonBody(body)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(named, title, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"above\": 1e400", "parameters.above: must be a finite number")]
    [InlineData("\"above\": \"NaN\"", "parameters.above: must be a finite number")]
    [InlineData("\"above\": 10, \"forSeconds\": 1e308", "parameters.forSeconds: must be 0 to 30 days")]
    public async Task Rule_parameters_must_be_finite_and_within_what_the_engine_can_time(string parameters, string problem)
    {
        var body = $"{{\"name\": \"x\", \"kind\": \"threshold\", \"target\": \"drain\", \"fault\": \"drain-flood\", \"severity\": \"major\", \"parameters\": {{\"signal\": \"level\", {parameters}}}}}";
        var (status, _, detail) = await ProblemAsync(await Cloud.Http.PutAsync(new Uri("/api/rules/fuzzed-threshold", UriKind.Relative), JsonBody(body)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(problem, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_multipart_form_is_a_400_problem_with_a_reason()
    {
        using var anonymous = Cloud.Anonymous(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var content = new ByteArrayContent("--b\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nxx"u8.ToArray());
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        var (status, _, detail) = await ProblemAsync(await anonymous.PostAsync(new Uri("/api/reports/NOSUCHCODE/photo", UriKind.Relative), content));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotEmpty(detail);
    }
}
