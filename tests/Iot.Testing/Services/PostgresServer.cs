using System.Globalization;
using Npgsql;

namespace Iot.Testing.Services;

/// <summary>
/// A private PostgreSQL cluster (Debian's server binaries, initdb + pg_ctl) on a free loopback port in a
/// temporary folder. Runs as the <c>postgres</c> user when the tests run as root, since PostgreSQL refuses root.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _binDir;
    private readonly bool _asPostgresUser;

    private PostgresServer(string binDir, string folder, int port, bool asPostgresUser)
    {
        _binDir = binDir;
        Folder = folder;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The cluster's folder (data, socket, log).</summary>
    public string Folder { get; }

    private string DataDir => Path.Combine(Folder, "data");

    private string LogFile => Path.Combine(Folder, "postgres.log");

    /// <summary>The postmaster's pid, read from its pid file, or 0 when stopped.</summary>
    public int Pid
    {
        get
        {
            var pidFile = Path.Combine(DataDir, "postmaster.pid");
            return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), out var pid) ? pid : 0;
        }
    }

    /// <summary>A connection string for database <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
            Pooling = true,
            Timeout = 10,
        }.ConnectionString;

    /// <summary>Creates and starts a cluster.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var initdb = ServiceProcess.FindBinary("initdb", "postgresql");
        var asPostgres = Environment.UserName == "root";
        var folder = ServiceProcess.TempFolder("postgres");
        var server = new PostgresServer(Path.GetDirectoryName(initdb)!, folder, ServiceProcess.FreePort(), asPostgres);
        if (asPostgres)
        {
            await ServiceProcess.RunAsync("chown", ["postgres:postgres", folder], TimeSpan.FromSeconds(10));
        }

        try
        {
            await server.AsServerUserAsync(initdb, ["-D", server.DataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], TimeSpan.FromSeconds(60));
            await server.LaunchAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Stops the server (fast shutdown) and waits for every server process to exit.</summary>
    public async Task StopAsync()
    {
        if (Pid == 0)
        {
            return;
        }

        await AsServerUserAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", DataDir, "-m", "fast", "-w", "-t", "30", "stop"], TimeSpan.FromSeconds(40));
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
        NpgsqlConnection.ClearAllPools();
        await StopAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Files owned by postgres under a non-root run; harmless.
        }
    }

    private async Task LaunchAsync()
    {
        var options = string.Create(CultureInfo.InvariantCulture, $"-c listen_addresses=127.0.0.1 -p {Port} -k {Folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
        await AsServerUserAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", DataDir, "-w", "-t", "60", "-l", LogFile, "-o", options, "start"], TimeSpan.FromSeconds(70));
    }

    private Task<string> AsServerUserAsync(string binary, string[] args, TimeSpan timeout) =>
        _asPostgresUser
            ? ServiceProcess.RunAsync("runuser", ["-u", "postgres", "--", binary, .. args], timeout, workingDirectory: "/")
            : ServiceProcess.RunAsync(binary, args, timeout);
}
