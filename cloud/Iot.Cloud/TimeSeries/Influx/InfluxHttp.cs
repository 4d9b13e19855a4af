using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Iot.Cloud.TimeSeries.Influx;

/// <summary>
/// InfluxDB's v1 HTTP API: <c>GET /ping</c>, <c>POST /write</c> (line protocol) and <c>POST /query</c> (InfluxQL, JSON
/// answer). InfluxDB 1.x serves it natively, 2.x through its v1 compatibility API and 3 Core as well, which is why
/// this backend speaks it instead of InfluxDB.Client's 2.x-only /api/v2 calls.
/// </summary>
internal sealed class InfluxHttp : IDisposable
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http;
    private readonly string _database;
    private readonly Uri _writeUri;

    public InfluxHttp(InfluxOptions options)
    {
        _database = options.Database;
        Url = options.Url;

        // One long-lived client; a bounded connection lifetime still follows DNS changes of the server.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = options.Url,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (options.Username is { Length: > 0 } user)
        {
            // Basic auth rather than u=/p= in the URL, which would put the password into access logs. 1.x and 2.x (v1 API) accept both.
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{options.Password}"));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        }

        _writeUri = new Uri($"write?db={Uri.EscapeDataString(_database)}&precision=ms", UriKind.Relative);
    }

    public Uri Url { get; }

    /// <summary>The server's version (X-Influxdb-Version), or null when it does not answer.</summary>
    public async Task<string?> PingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        try
        {
            using var response = await _http.GetAsync(new Uri("ping", UriKind.Relative), timeout.Token);
            return response.IsSuccessStatusCode
                ? response.Headers.TryGetValues("X-Influxdb-Version", out var values) ? values.FirstOrDefault() ?? "unknown" : "unknown"
                : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Posts line protocol (UTF-8, gzipped when <paramref name="gzipped"/>) once. Throws <see cref="HttpRequestException"/>
    /// or <see cref="TimeoutException"/> when there is no answer.
    /// </summary>
    public async Task<(HttpStatusCode Status, string Body)> WriteAsync(ReadOnlyMemory<byte> lines, bool gzipped, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(lines);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        if (gzipped)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(WriteTimeout);
        try
        {
            using var response = await _http.PostAsync(_writeUri, content, timeout.Token);
            var body = response.IsSuccessStatusCode ? string.Empty : await response.Content.ReadAsStringAsync(timeout.Token);
            return (response.StatusCode, body);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"InfluxDB did not answer a write within {WriteTimeout.TotalSeconds} s", e);
        }
    }

    /// <summary>Runs InfluxQL statements (separated by ';'); returns each statement's series, or throws with InfluxDB's error.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<InfluxSeries>>> QueryAsync(string statements, CancellationToken cancellationToken)
    {
        // POST for everything: 1.x refuses CREATE/ALTER/DROP over GET.
        using var form = new FormUrlEncodedContent([new("db", _database), new("q", statements), new("epoch", "ms")]);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(QueryTimeout);
        using var response = await _http.PostAsync(new Uri("query", UriKind.Relative), form, timeout.Token);
        var json = await response.Content.ReadAsStringAsync(timeout.Token);
        if (!response.IsSuccessStatusCode && !json.TrimStart().StartsWith('{'))
        {
            throw new InvalidOperationException($"InfluxDB answered {(int)response.StatusCode} to '{Shorten(statements)}': {Shorten(json)}");
        }

        return Parse(json, statements);
    }

    public void Dispose() => _http.Dispose();

    internal static string Shorten(string text) => text.Length <= 300 ? text : string.Concat(text.AsSpan(0, 297), "...");

    private static List<IReadOnlyList<InfluxSeries>> Parse(string json, string statements)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var topError))
        {
            throw new InvalidOperationException($"InfluxDB refused '{Shorten(statements)}': {topError.GetString()}");
        }

        var results = new List<IReadOnlyList<InfluxSeries>>();
        foreach (var result in root.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"InfluxDB refused '{Shorten(statements)}': {error.GetString()}");
            }

            var series = new List<InfluxSeries>();
            if (result.TryGetProperty("series", out var seriesArray))
            {
                foreach (var s in seriesArray.EnumerateArray())
                {
                    series.Add(ParseSeries(s));
                }
            }

            results.Add(series);
        }

        return results;
    }

    private static InfluxSeries ParseSeries(JsonElement series)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (series.TryGetProperty("tags", out var tagObject))
        {
            foreach (var tag in tagObject.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.GetString() ?? string.Empty;
            }
        }

        var columns = series.GetProperty("columns").EnumerateArray().Select(c => c.GetString() ?? string.Empty).ToArray();
        var rows = new List<object?[]>();
        if (series.TryGetProperty("values", out var values))
        {
            foreach (var value in values.EnumerateArray())
            {
                var row = new object?[columns.Length];
                var i = 0;
                foreach (var cell in value.EnumerateArray())
                {
                    row[i] = cell.ValueKind switch
                    {
                        JsonValueKind.Number when columns[i] == "time" => cell.GetInt64(),
                        JsonValueKind.Number => cell.GetDouble(),
                        JsonValueKind.String => cell.GetString(),
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => null,
                    };
                    i++;
                }

                rows.Add(row);
            }
        }

        var name = series.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty;
        return new InfluxSeries(name, tags, columns, rows);
    }
}
