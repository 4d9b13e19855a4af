using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Cloud.Readings;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Testing.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Readings;

/// <summary>
/// The attack: one staff account asks for 800 days of raw readings, or many such queries at once, and the cloud reads
/// them all into memory. Refused instead with a problem that names the limit and the resolution to ask for.
/// </summary>
public sealed class SeriesLimitTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    private static readonly AgentId Agent = AgentId.Parse("yikang-1-a");
    private static readonly SensorId Lamp = SensorId.Parse("lamp-01.current");

    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Eight_hundred_days_of_raw_readings_are_refused_naming_the_limit_and_the_resolution_to_ask_for()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"));
        await cloud.WaitReadyAsync();
        var to = DateTimeOffset.UtcNow;

        foreach (var url in new[]
        {
            $"/api/courtyards/yikang-1/series?resolution=raw&from={Time(to.AddDays(-800))}&to={Time(to)}",
            $"/api/agents/yikang-1-a/sensors/lamp-01.current/series?resolution=raw&from={Time(to.AddDays(-800))}&to={Time(to)}",
            $"/api/agents/yikang-1-a/devices/lamp-01/series?resolution=raw&from={Time(to.AddDays(-3))}&to={Time(to)}",
        })
        {
            var problem = await ProblemAsync(cloud.Http, url);
            Assert.Contains("resolution=raw is limited to 2 days", problem, StringComparison.Ordinal);
            Assert.Contains("resolution=minute for up to 6.9 days", problem, StringComparison.Ordinal);
        }

        Assert.Contains("resolution=minute is limited to 6.9 days", await ProblemAsync(cloud.Http, $"/api/courtyards/yikang-1/series?resolution=minute&from={Time(to.AddDays(-8))}&to={Time(to)}"), StringComparison.Ordinal);
        Assert.Contains("limited to 416 days", await ProblemAsync(cloud.Http, $"/api/courtyards/yikang-1/series?from={Time(to.AddDays(-800))}&to={Time(to)}"), StringComparison.Ordinal);

        // Within the limits, each resolution answers (auto picks one that fits).
        using var twoDays = await cloud.Http.GetAsync(new Uri($"/api/courtyards/yikang-1/series?resolution=raw&from={Time(to.AddDays(-2))}&to={Time(to)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, twoDays.StatusCode);
        using var week = await cloud.Http.GetAsync(new Uri($"/api/courtyards/yikang-1/series?from={Time(to.AddDays(-7))}&to={Time(to)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, week.StatusCode);
    }

    [Fact]
    public async Task A_series_of_ten_thousand_and_one_points_is_refused_and_ten_thousand_are_answered()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"));
        await cloud.WaitReadyAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-6);
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond));
        var store = cloud.Services.GetRequiredService<ITimeSeriesStore>();
        await store.WriteAsync(
            [.. Enumerable.Range(0, SeriesLimit.MaxPoints + 1).Select(i => new StoredReading(CourtyardId.Parse("yikang-1"), Agent, Lamp, Quantity.Current, 0.4, start.AddSeconds(i)))],
            CancellationToken.None);

        var exactly = $"/api/agents/yikang-1-a/sensors/lamp-01.current/series?resolution=raw&from={Time(start)}&to={Time(start.AddSeconds(SeriesLimit.MaxPoints))}";
        var series = await cloud.GetAsync<SeriesView>(exactly);
        Assert.Equal(SeriesLimit.MaxPoints, series.Points.Count);

        var oneMore = $"/api/agents/yikang-1-a/sensors/lamp-01.current/series?resolution=raw&from={Time(start)}&to={Time(start.AddSeconds(SeriesLimit.MaxPoints + 1))}";
        Assert.Contains("more than 10000 points", await ProblemAsync(cloud.Http, oneMore), StringComparison.Ordinal);
        Assert.Contains("more than 10000 points", await ProblemAsync(cloud.Http, $"/api/courtyards/yikang-1/series?resolution=raw&from={Time(start)}&to={Time(start.AddHours(4))}"), StringComparison.Ordinal);

        // The same period by the minute is small.
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync(new Uri($"/api/courtyards/yikang-1/series?resolution=minute&from={Time(start)}&to={Time(start.AddHours(4))}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_third_heavy_query_of_one_account_at_the_same_time_is_refused_with_429_and_other_accounts_go_on()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"));
        await cloud.WaitReadyAsync();
        var worker = await cloud.ClientAsync("xinyu-li");
        var queries = cloud.Services.GetRequiredService<HeavyQueries>();
        var url = new Uri("/api/courtyards/yikang-1/series", UriKind.Relative);

        // Two of xinyu-li's queries are running (their places held here, as a slow query would hold them).
        using (var first = queries.TryEnter("xinyu-li"))
        using (var second = queries.TryEnter("xinyu-li"))
        {
            Assert.NotNull(first);
            Assert.NotNull(second);
            using var third = await worker.GetAsync(url);
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            Assert.Contains("at most 2 series queries of one account run at a time", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // Another account is not held up by it.
            Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync(url)).StatusCode);
        }

        // Once one finishes, the next is answered.
        Assert.Equal(HttpStatusCode.OK, (await worker.GetAsync(url)).StatusCode);
    }

    [Fact]
    public void The_limiter_holds_two_places_per_account_and_frees_them()
    {
        using var queries = new HeavyQueries();
        var a1 = queries.TryEnter("a");
        var a2 = queries.TryEnter("a");
        Assert.Null(queries.TryEnter("a"));
        using (var b = queries.TryEnter("b"))
        {
            Assert.NotNull(b);
        }

        a1!.Dispose();
        using var a3 = queries.TryEnter("a");
        Assert.NotNull(a3);
        a2!.Dispose();
    }

    private static string Time(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O", CultureInfo.InvariantCulture));

    private static async Task<string> ProblemAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode} {body}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
    }
}
