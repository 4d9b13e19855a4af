using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Iot.Testing.Services;

/// <summary>How to configure a test Mosquitto.</summary>
public sealed record MosquittoOptions
{
    /// <summary>Let clients connect without credentials (the default for plain tests).</summary>
    public bool AllowAnonymous { get; init; } = true;

    /// <summary>Accounts for the password file, name → password.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string>();

    /// <summary>The ACL file's text, or null for none.</summary>
    public string? Acl { get; init; }

    /// <summary>A ready-made password file to use instead of <see cref="Users"/> (e.g. one produced by provisioning).</summary>
    public string? PasswordFile { get; init; }

    /// <summary>TLS listener: CA certificate, server certificate and key files; null for plain MQTT only.</summary>
    public (string CaFile, string CertFile, string KeyFile)? Tls { get; init; }

    /// <summary>
    /// Keep retained messages and persistent sessions on disk (in the broker's folder), as production does
    /// (docker/mosquitto/mosquitto.conf): a graceful restart then loses nothing it had acknowledged.
    /// </summary>
    public bool Persistence { get; init; }

    /// <summary>Extra lines appended to the generated mosquitto.conf.</summary>
    public string ExtraConfig { get; init; } = string.Empty;

    /// <summary>
    /// Lines written after every <c>listener</c> line, for Mosquitto's per-listener settings such as
    /// <c>use_username_as_clientid</c> (placed before the first listener they would open a default one on 1883).
    /// </summary>
    public string ListenerConfig { get; init; } = string.Empty;
}

/// <summary>
/// A real Mosquitto broker from Debian's package, on a free loopback port in a temporary folder, stopped by
/// pid on dispose. <see cref="RestartAsync"/> brings it back on the same port, for reconnection tests.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _binary;
    private readonly string _configFile;
    private Process? _process;

    private MosquittoBroker(string binary, string folder, int port, int? tlsPort)
    {
        _binary = binary;
        Folder = folder;
        Port = port;
        TlsPort = tlsPort;
        _configFile = Path.Combine(folder, "mosquitto.conf");
    }

    /// <summary>Always 127.0.0.1.</summary>
    public string Host { get; } = "127.0.0.1";

    /// <summary>The plain MQTT port.</summary>
    public int Port { get; }

    /// <summary>The TLS port, when TLS is configured.</summary>
    public int? TlsPort { get; }

    /// <summary>The broker's folder (config, password file, ACL, log).</summary>
    public string Folder { get; }

    /// <summary>The broker's log file.</summary>
    public string LogFile => Path.Combine(Folder, "mosquitto.log");

    /// <summary>The running broker's pid.</summary>
    public int Pid => _process?.Id ?? 0;

    /// <summary>Starts a broker.</summary>
    public static async Task<MosquittoBroker> StartAsync(MosquittoOptions? options = null)
    {
        options ??= new MosquittoOptions();
        var binary = ServiceProcess.FindBinary("mosquitto", "mosquitto");
        var folder = ServiceProcess.TempFolder("mosquitto");
        var broker = new MosquittoBroker(binary, folder, ServiceProcess.FreePort(), options.Tls is null ? null : ServiceProcess.FreePort());
        try
        {
            await broker.WriteConfigAsync(options);
            await broker.LaunchAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the broker abruptly (SIGKILL), as a crash or power cut would.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await ServiceProcess.KillAsync(_process);
            _process.Dispose();
            _process = null;
        }
    }

    /// <summary>Stops the broker cleanly (SIGTERM), as systemd or docker stop do: with persistence it saves its state first.</summary>
    public async Task StopGracefullyAsync()
    {
        if (_process is not null)
        {
            await ServiceProcess.KillAsync(_process, hard: false);
            _process.Dispose();
            _process = null;
        }
    }

    /// <summary>Starts the broker again on the same ports with the same configuration.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await LaunchAsync();
    }

    /// <summary>
    /// Stops the broker cleanly (SIGTERM), deletes its persistence file (a lost or replaced disk: every session, queued
    /// message and retained message is gone) and starts it again on the same ports.
    /// </summary>
    public async Task RestartLosingItsDiskAsync()
    {
        await StopGracefullyAsync();
        var data = Path.Combine(Folder, "data");
        var files = Directory.Exists(data) ? Directory.GetFiles(data) : [];
        if (files.Length == 0)
        {
            throw new InvalidOperationException($"no persistence file in {data}: start the broker with Persistence = true");
        }

        foreach (var file in files)
        {
            File.Delete(file);
        }

        await LaunchAsync();
    }

    /// <summary>Stops the broker cleanly (SIGTERM) and starts it again on the same ports, as <c>systemctl restart mosquitto</c> does.</summary>
    public async Task RestartGracefullyAsync()
    {
        await StopGracefullyAsync();
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
        // Mosquitto logs "running" once every listener is bound: only then is what answers on the port this broker.
        var runsBefore = Runs();
        var process = _process = ServiceProcess.Start(_binary, ["-c", _configFile], Path.Combine(Folder, "stdout.log"));
        try
        {
            await ServiceProcess.WaitUntilAsync(
                async () => process.HasExited
                    ? throw new InvalidOperationException($"mosquitto exited at start: {ServiceProcess.Tail(LogFile)} {ServiceProcess.Tail(Path.Combine(Folder, "stdout.log"))}")
                    : Runs() > runsBefore && await ServiceProcess.AcceptsConnectionsAsync(Port) && (TlsPort is not { } t || await ServiceProcess.AcceptsConnectionsAsync(t)),
                TimeSpan.FromSeconds(30),
                "mosquitto",
                () => ServiceProcess.Tail(LogFile));
        }
        catch
        {
            await StopAsync(); // a broker that did not come up is not left running
            throw;
        }
    }

    private int Runs()
    {
        try
        {
            using var log = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(log);
            var runs = 0;
            while (reader.ReadLine() is { } line)
            {
                runs += line.EndsWith(" running", StringComparison.Ordinal) ? 1 : 0;
            }

            return runs;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    private async Task WriteConfigAsync(MosquittoOptions options)
    {
        var conf = new StringBuilder();
        conf.AppendLine("per_listener_settings false");
        conf.AppendLine(CultureInfo.InvariantCulture, $"allow_anonymous {(options.AllowAnonymous ? "true" : "false")}");
        if (options.Persistence)
        {
            // Mosquitto drops to its own user, which must write its database here.
            var data = Directory.CreateDirectory(Path.Combine(Folder, "data")).FullName;
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111);
            }

            conf.AppendLine("persistence true");
            conf.AppendLine(CultureInfo.InvariantCulture, $"persistence_location {data}/");
            conf.AppendLine("autosave_interval 60");
        }
        else
        {
            conf.AppendLine("persistence false");
        }

        conf.AppendLine(CultureInfo.InvariantCulture, $"log_dest file {LogFile}");
        conf.AppendLine("log_type error\nlog_type warning\nlog_type notice\nlog_type information");
        conf.AppendLine("connection_messages true");

        // Without it, QoS 1 acknowledgements wait on Nagle's algorithm: replays crawl at a few hundred messages a second.
        conf.AppendLine("set_tcp_nodelay true");
        conf.AppendLine("max_inflight_messages 100");
        conf.AppendLine("max_queued_messages 100000");
        conf.AppendLine(CultureInfo.InvariantCulture, $"listener {Port} 127.0.0.1");
        conf.AppendLine(options.ListenerConfig);

        var passwordFile = options.PasswordFile;
        if (passwordFile is null && options.Users.Count > 0)
        {
            passwordFile = Path.Combine(Folder, "passwd");
            var tool = ServiceProcess.FindBinary("mosquitto_passwd", "mosquitto");
            var first = true;
            foreach (var (user, password) in options.Users)
            {
                string[] args = first ? ["-c", "-b", passwordFile, user, password] : ["-b", passwordFile, user, password];
                await ServiceProcess.RunAsync(tool, args, TimeSpan.FromSeconds(10));
                first = false;
            }
        }

        if (passwordFile is not null)
        {
            conf.AppendLine(CultureInfo.InvariantCulture, $"password_file {MakeReadable(passwordFile)}");
        }

        if (options.Acl is not null)
        {
            var aclFile = Path.Combine(Folder, "acl");
            await File.WriteAllTextAsync(aclFile, options.Acl);
            conf.AppendLine(CultureInfo.InvariantCulture, $"acl_file {MakeReadable(aclFile)}");
        }

        if (options.Tls is { } tls && TlsPort is { } tlsPort)
        {
            conf.AppendLine(CultureInfo.InvariantCulture, $"listener {tlsPort} 127.0.0.1");
            conf.AppendLine(options.ListenerConfig);
            conf.AppendLine(CultureInfo.InvariantCulture, $"cafile {MakeReadable(tls.CaFile)}");
            conf.AppendLine(CultureInfo.InvariantCulture, $"certfile {MakeReadable(tls.CertFile)}");
            conf.AppendLine(CultureInfo.InvariantCulture, $"keyfile {MakeReadable(tls.KeyFile)}");
            conf.AppendLine("tls_version tlsv1.2");
        }

        conf.AppendLine(options.ExtraConfig);
        await File.WriteAllTextAsync(_configFile, conf.ToString());
        File.WriteAllText(LogFile, string.Empty);
        MakeWritable(LogFile);
    }

    // Mosquitto drops root privileges to the 'mosquitto' user, which must still read its files.
    private static string MakeReadable(string file)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.OtherRead | UnixFileMode.GroupRead);
        }

        return file;
    }

    private static void MakeWritable(string file)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, (UnixFileMode)0b110_110_110);
        }
    }
}
