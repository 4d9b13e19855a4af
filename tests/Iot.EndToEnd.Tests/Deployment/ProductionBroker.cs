using System.Diagnostics;
using System.Globalization;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Deployment;

/// <summary>
/// Mosquitto running the compose file's own configuration (docker/mosquitto/mosquitto.conf) on the files provisioning
/// made, outside Docker: only the container paths and the listeners' ports are rewritten to this machine's.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProductionBroker : IAsyncDisposable
{
    private readonly Process _process;

    private ProductionBroker(Process process, int plainPort, int tlsPort, string folder)
    {
        _process = process;
        PlainPort = plainPort;
        TlsPort = tlsPort;
        Folder = folder;
    }

    /// <summary>The loopback listener (health checks).</summary>
    public int PlainPort { get; }

    /// <summary>The TLS listener agents and the cloud use.</summary>
    public int TlsPort { get; }

    /// <summary>Where its configuration, data and log are.</summary>
    public string Folder { get; }

    /// <summary>Its output.</summary>
    public string LogFile => Path.Combine(Folder, "mosquitto.log");

    /// <summary>The configuration as compose mounts it, with this machine's paths and ports.</summary>
    public static string Configuration(string brokerFolder, string dataFolder, int plainPort, int tlsPort)
    {
        var text = File.ReadAllText(RepoPaths.Of("docker", "mosquitto", "mosquitto.conf"));
        return text
            .Replace("/mosquitto/config/iot/", brokerFolder.TrimEnd('/') + "/", StringComparison.Ordinal)
            .Replace("/mosquitto/data/", dataFolder.TrimEnd('/') + "/", StringComparison.Ordinal)
            .Replace("listener 1883 127.0.0.1", string.Create(CultureInfo.InvariantCulture, $"listener {plainPort} 127.0.0.1"), StringComparison.Ordinal)
            .Replace("listener 8883\n", string.Create(CultureInfo.InvariantCulture, $"listener {tlsPort} 127.0.0.1\n"), StringComparison.Ordinal);
    }

    /// <summary>Starts it on <paramref name="brokerFolder"/> (provisioning's broker/ folder).</summary>
    public static async Task<ProductionBroker> StartAsync(string brokerFolder)
    {
        var folder = ServiceProcess.TempFolder("production-broker");
        var data = Directory.CreateDirectory(Path.Combine(folder, "data")).FullName;
        // Mosquitto drops to its own user, as the container's runs as uid 1883: it must read the files and write its data.
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111);
        foreach (var file in Directory.GetFiles(brokerFolder))
        {
            File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var (plain, tls) = (ServiceProcess.FreePort(), ServiceProcess.FreePort());
        var conf = Path.Combine(folder, "mosquitto.conf");
        await File.WriteAllTextAsync(conf, Configuration(brokerFolder, data, plain, tls));
        var process = ServiceProcess.Start(ServiceProcess.FindBinary("mosquitto", "mosquitto"), ["-c", conf], Path.Combine(folder, "mosquitto.log"));
        var broker = new ProductionBroker(process, plain, tls, folder);
        await ServiceProcess.WaitUntilAsync(
            async () => process.HasExited
                ? throw new InvalidOperationException($"mosquitto exited at start: {ServiceProcess.Tail(broker.LogFile)}")
                : await ServiceProcess.AcceptsConnectionsAsync(plain) && await ServiceProcess.AcceptsConnectionsAsync(tls),
            TimeSpan.FromSeconds(15),
            "mosquitto with the production configuration",
            () => ServiceProcess.Tail(broker.LogFile));
        return broker;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await ServiceProcess.KillAsync(_process);
        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Mosquitto's data folder may still be in use for a moment; a leftover temp folder is harmless.
        }
    }
}
