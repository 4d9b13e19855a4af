using System.Diagnostics;
using System.Globalization;

namespace Iot.Testing.Services;

/// <summary>
/// A real InfluxDB (<c>influxd</c> from Debian's package, 1.x HTTP API) on free loopback ports with its data
/// in a temporary folder, stopped by pid on dispose.
/// </summary>
public sealed class InfluxServer : IAsyncDisposable
{
    private readonly string _binary;
    private readonly string _configFile;
    private Process? _process;

    private InfluxServer(string binary, string folder, int httpPort)
    {
        _binary = binary;
        Folder = folder;
        HttpPort = httpPort;
        _configFile = Path.Combine(folder, "influxdb.conf");
    }

    /// <summary>The HTTP API port.</summary>
    public int HttpPort { get; }

    /// <summary>The HTTP API's base address, e.g. <c>http://127.0.0.1:38123</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>Data, configuration and log folder.</summary>
    public string Folder { get; }

    /// <summary>The running server's pid.</summary>
    public int Pid => _process?.Id ?? 0;

    /// <summary>Starts a server.</summary>
    public static async Task<InfluxServer> StartAsync()
    {
        var binary = ServiceProcess.FindBinary("influxd", "influxdb");
        var folder = ServiceProcess.TempFolder("influx");
        var server = new InfluxServer(binary, folder, ServiceProcess.FreePort());
        var rpcPort = ServiceProcess.FreePort();
        await File.WriteAllTextAsync(server._configFile, string.Create(CultureInfo.InvariantCulture, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{rpcPort}"

            [meta]
              dir = "{folder}/meta"
              logging-enabled = false

            [data]
              dir = "{folder}/data"
              wal-dir = "{folder}/wal"
              query-log-enabled = false
              wal-fsync-delay = "0s"

            [http]
              enabled = true
              bind-address = "127.0.0.1:{server.HttpPort}"
              auth-enabled = false
              log-enabled = false

            [monitor]
              store-enabled = false

            [subscriber]
              enabled = false

            [continuous_queries]
              enabled = false
            """));
        try
        {
            await server.LaunchAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server abruptly (SIGKILL).</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await ServiceProcess.KillAsync(_process);
            _process.Dispose();
            _process = null;
        }
    }

    /// <summary>Starts the server again on the same port with the same data.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await LaunchAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private async Task LaunchAsync()
    {
        var log = Path.Combine(Folder, "influxd.log");
        var process = _process = ServiceProcess.Start(_binary, ["run", "-config", _configFile], log);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await ServiceProcess.WaitUntilAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"influxd exited at start: {ServiceProcess.Tail(log)}");
                    }

                    try
                    {
                        using var response = await http.GetAsync(new Uri(Url, "/ping"));
                        return response.IsSuccessStatusCode;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        return false; // not listening yet, or too busy to answer within the probe's timeout
                    }
                },
                TimeSpan.FromSeconds(60),
                "influxd",
                () => ServiceProcess.Tail(log));
        }
        catch
        {
            await StopAsync(); // a server that did not come up is not left running
            throw;
        }
    }
}
