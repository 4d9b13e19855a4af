using System.Diagnostics;
using System.Net.Http.Json;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Bench.Support;

/// <summary>The real cloud service as its own process, configured through environment variables, stopped by pid.</summary>
public sealed class CloudProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<(Task Copy, Stream File)> _logs = [];

    private CloudProcess(Process process, int httpPort, string folder)
    {
        _process = process;
        Http = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        Folder = folder;
    }

    public HttpClient Http { get; }

    private const string CloudEnvPrefix = "IOT_CLOUD_ENV_";

    private static readonly string BenchPassword = $"bench-{Guid.NewGuid():N}";

    public string Folder { get; }

    public int Pid => _process.Id;

    /// <summary>True once the process has gone (crashed or stopped).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts the cloud built for <paramref name="configuration"/> with <paramref name="settings"/> (configuration keys).</summary>
    public static async Task<CloudProcess> StartAsync(IDictionary<string, string> settings, string configuration = "Release")
    {
        var dll = RepoPaths.Of("cloud", "Iot.Cloud", "bin", configuration, "net10.0", "iot-cloud.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"build the cloud first: dotnet build -c {configuration} cloud/Iot.Cloud", dll);
        }

        var folder = ServiceProcess.TempFolder("bench-cloud");
        var port = ServiceProcess.FreePort();
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        psi.ArgumentList.Add(dll);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development"; // loopback and plain HTTP, as run.sh
        psi.Environment["Urls"] = $"http://127.0.0.1:{port}";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Database__ConnectionString"] = $"Data Source={Path.Combine(folder, "cloud.db")}";
        psi.Environment["TimeSeries__SqlitePath"] = Path.Combine(folder, "timeseries.db");
        psi.Environment["Sites__Folder"] = RepoPaths.SampleSite;

        // The ingest figures are for the street office only: the bench signs in as its demo account, with a password of this run.
        psi.Environment["Demo__SeedAccounts"] = "true";
        psi.Environment["Demo__Password"] = BenchPassword;
        foreach (var (key, value) in settings)
        {
            psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        // A runtime setting for the cloud alone (IOT_CLOUD_ENV_DOTNET_GCConserveMemory=5 sets DOTNET_GCConserveMemory),
        // so that measuring it leaves the bench's own process, the load driver, as it was.
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith(CloudEnvPrefix, StringComparison.Ordinal)))
        {
            psi.Environment[key[CloudEnvPrefix.Length..]] = Environment.GetEnvironmentVariable(key);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the cloud");
        var log = Path.Combine(folder, "cloud.log");
        var cloud = new CloudProcess(process, port, folder);
        foreach (var (stream, file) in new[] { (process.StandardOutput.BaseStream, log), (process.StandardError.BaseStream, log + ".err") })
        {
            var output = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.Read, 4096, FileOptions.WriteThrough);
            cloud._logs.Add((stream.CopyToAsync(output), output));
        }

        try
        {
            await WaitReadyAndSignInAsync(cloud, process, log);
        }
        catch
        {
            // A cloud that never became ready must not outlive the bench.
            await cloud.DisposeAsync();
            throw;
        }

        return cloud;
    }

    private static async Task WaitReadyAndSignInAsync(CloudProcess cloud, Process process, string log)
    {
        await ServiceProcess.WaitUntilAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the cloud exited: {ServiceProcess.Tail(log)} {ServiceProcess.Tail(log + ".err")}");
                }

                try
                {
                    return (await cloud.Http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            "the cloud",
            () => ServiceProcess.Tail(log));
        using var signIn = await cloud.Http.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative), new { userName = "street-chen", password = BenchPassword });
        signIn.EnsureSuccessStatusCode();
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or a lost machine would.</summary>
    public Task KillAsync() => ServiceProcess.KillAsync(_process, hard: true);

    /// <summary>Reads the ingest stats.</summary>
    public async Task<IngestStats> StatsAsync() =>
        await Http.GetFromJsonAsync<IngestStats>(new Uri("/api/ingest/stats", UriKind.Relative)) ?? throw new InvalidOperationException("no stats");

    /// <summary>Total CPU time the process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident memory in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await ServiceProcess.KillAsync(_process, hard: false);
        foreach (var (copy, file) in _logs)
        {
            await copy;
            await file.DisposeAsync();
        }

        _process.Dispose();
        try
        {
            if (Environment.GetEnvironmentVariable("IOT_BENCH_KEEP") is null) { Directory.Delete(Folder, recursive: true); } else { Console.Error.WriteLine($"kept {Folder}"); }
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>The part of /api/ingest/stats the bench reads.</summary>
public sealed record IngestStats(long MessagesSinceStart, long ReadingsSinceStart, long RejectedSinceStart, long DuplicatesSinceStart, bool StoreFailing, string? StoreError, int QueueDepth = 0);
