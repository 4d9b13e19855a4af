using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.EndToEnd.Tests.Deployment;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Faults.Support;

/// <summary>
/// The real cloud program as a process on an external broker, configured through environment variables as compose
/// configures it, with the street office's demo account to sign in. It can be killed (SIGKILL) and started again on
/// the same data folder and settings, as a crashed container is restarted.
/// </summary>
public sealed class CloudUnderTest : IAsyncDisposable
{
    /// <summary>The demo street-office account (Demo:SeedAccounts); a test-only password.</summary>
    public const string User = "street-chen";
    private const string Password = "fault tests only, never production";
    private readonly Dictionary<string, string> _environment;
    private readonly string _folder;
    private int _starts;

    private CloudUnderTest(string folder, Dictionary<string, string> environment, int webPort)
    {
        _folder = folder;
        _environment = environment;
        Http = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{webPort}")),
            // A request that takes a minute means something is broken; on a busy 2-core machine a sign-in (100,000
            // PBKDF2 rounds) behind a cloud's start took more than 10 s (tests/README.md, "The suite").
            Timeout = Iot.Testing.Patience.Seconds(60),
        };
    }

    /// <summary>The running program (changes on restart).</summary>
    public ProgramProcess Process { get; private set; } = null!;

    /// <summary>Signed in as the street office (each start signs in).</summary>
    public HttpClient Http { get; }

    /// <summary>Where the cloud writes the public half of its signing key: the folder agents trust (<c>--trusted-keys</c>).</summary>
    public string TrustedKeysFolder => Path.Combine(_folder, "keys");

    /// <summary>The SQLite readings file, in the default configuration.</summary>
    public string TimeSeriesFile => Path.Combine(_folder, "timeseries.db");

    /// <summary>
    /// Settings for SQLite (database and readings) in <paramref name="folder"/> on the external broker at
    /// <paramref name="brokerPort"/>; <paramref name="overrides"/> replace or add settings (PostgreSQL, InfluxDB).
    /// </summary>
    public static async Task<CloudUnderTest> StartAsync(string folder, int brokerPort, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var web = ServiceProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["Urls"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{web}"),
            ["TZ"] = "Asia/Shanghai",
            ["Broker__Mode"] = "External",
            ["Broker__Host"] = "127.0.0.1",
            ["Broker__Port"] = brokerPort.ToString(CultureInfo.InvariantCulture),
            ["Broker__ClientId"] = "iot-cloud-faults",
            ["Database__ConnectionString"] = $"Data Source={Path.Combine(folder, "cloud.db")}",
            ["TimeSeries__SqlitePath"] = Path.Combine(folder, "timeseries.db"),
            ["Signing__KeyFile"] = Path.Combine(folder, "keys", "cloud-signing.pem"),
            ["Sites__Folder"] = RepoPaths.SampleSite,
            ["Demo__SeedAccounts"] = "true",
            ["Demo__Password"] = Password,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Iot"] = "Information",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var cloud = new CloudUnderTest(folder, environment, web);
        await cloud.LaunchAsync();
        return cloud;
    }

    /// <summary>Waits until /readyz answers healthy; fails at once if the program stops.</summary>
    public Task WaitReadyAsync(TimeSpan? patience = null) =>
        ServiceProcess.WaitUntilAsync(async () => (await ReadinessAsync()).Ready, patience ?? TimeSpan.FromSeconds(180), "the cloud's /readyz", Process.Tail);

    /// <summary>/readyz: whether ready, and the report naming each check.</summary>
    public async Task<(bool Ready, JsonElement? Report)> ReadinessAsync()
    {
        if (Process.HasExited)
        {
            throw new InvalidOperationException($"the cloud stopped (exit {Process.ExitCode}): {Process.Tail()}");
        }

        try
        {
            using var response = await Http.GetAsync(new Uri("/readyz", UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            JsonElement? report = text.StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : null;
            return (response.IsSuccessStatusCode, report);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (false, null);
        }
    }

    /// <summary>Signs in as the street office (the cookie stays in <see cref="Http"/>).</summary>
    public async Task SignInAsync()
    {
        using var response = await Http.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative), new { userName = User, password = Password });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GET of an API path as JSON.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Per (agent, boot): what ingest accepted, its duplicates and what it counts lost (GET /api/ingest/sequences).</summary>
    public async Task<IReadOnlyList<SequenceFigures>> SequencesAsync() =>
        [.. (await GetAsync("/api/ingest/sequences")).EnumerateArray().Select(s => new SequenceFigures(
            s.GetProperty("agent").GetString()!, s.GetProperty("boot").GetString()!, s.GetProperty("contiguous").GetInt64(), s.GetProperty("maxSeen").GetInt64(),
            s.GetProperty("missing").GetInt64(), s.GetProperty("lost").GetInt64(), s.GetProperty("accepted").GetInt64(), s.GetProperty("duplicates").GetInt64()))];

    /// <summary>SIGKILL: no shutdown, nothing flushed, no acknowledgement sent.</summary>
    public Task KillAsync() => Process.KillAsync();

    /// <summary>Starts the program again with the same settings and data folder, waits until it is ready, and signs in again.</summary>
    public async Task RestartAsync()
    {
        if (!Process.HasExited)
        {
            await Process.StopAsync();
        }

        await Process.DisposeAsync();
        await LaunchAsync();
    }

    /// <summary>CPU time the process has used so far (user + system), from /proc.</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Process.Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        Http.Dispose();
    }

    private async Task LaunchAsync()
    {
        _starts++;
        Process = ProgramProcess.Start(ProgramProcess.Cloud, [], _environment, Path.Combine(_folder, string.Create(CultureInfo.InvariantCulture, $"cloud-{_starts}.log")));
        await WaitReadyAsync();
        await SignInAsync();
    }
}

/// <summary>The cloud's own account of one boot's data sequence.</summary>
public sealed record SequenceFigures(string Agent, string Boot, long Contiguous, long MaxSeen, long Missing, long Lost, long Accepted, long Duplicates);
