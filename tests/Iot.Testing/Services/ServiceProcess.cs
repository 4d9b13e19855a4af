using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Iot.Testing.Services;

/// <summary>
/// Helpers shared by the real-service fixtures: finding binaries, free loopback ports, running commands,
/// waiting for readiness, and stopping only the processes we started, by pid.
/// </summary>
public static class ServiceProcess
{
    private static readonly string[] ExtraDirs = ["/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"];

    /// <summary>Where the test run records the pids of the services it started, so <c>test.sh</c> can end strays.</summary>
    public static string PidDirectory { get; } = CreatePidDirectory();

    /// <summary>Finds <paramref name="name"/> on PATH or in the sbin/PostgreSQL folders, or fails saying what to install.</summary>
    public static string FindBinary(string name, string debianPackage)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(ExtraDirs);
        foreach (var dir in dirs)
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"'{name}' was not found. Install it with 'apt-get install {debianPackage}' (./test.sh installs every service the tests need).");
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A fresh temporary folder that every user can read (services drop privileges to their own user).</summary>
    public static string TempFolder(string prefix)
    {
        var dir = Directory.CreateTempSubdirectory($"iot-{prefix}-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        }

        return dir;
    }

    /// <summary>Runs a command to completion and returns its output; throws with the output if it fails.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}");
        }

        var output = await stdout + await stderr;
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{file} {string.Join(' ', psi.ArgumentList)} exited with {process.ExitCode}: {output}");
    }

    /// <summary>Starts a long-running service with its output going to <paramref name="logFile"/>, and records its pid.</summary>
    public static Process Start(string file, IEnumerable<string> args, string logFile)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var sink = new LogSink(logFile);
        process.OutputDataReceived += (_, e) => sink.Write(e.Data);
        process.ErrorDataReceived += (_, e) => sink.Write(e.Data);
        process.Exited += (_, _) => sink.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        RecordPid(process.Id, Path.GetFileName(file));
        return process;
    }

    /// <summary>Records a pid this run started, for the end-of-run sweep in <c>test.sh</c>.</summary>
    public static void RecordPid(int pid, string what) =>
        File.WriteAllText(Path.Combine(PidDirectory, $"{pid}.pid"), $"{pid} {what}\n");

    /// <summary>Forgets a pid once its process has been stopped.</summary>
    public static void ForgetPid(int pid) => File.Delete(Path.Combine(PidDirectory, $"{pid}.pid"));

    /// <summary>Kills a process we started and waits for it to be gone.</summary>
    public static async Task KillAsync(Process process, bool hard = true)
    {
        if (!process.HasExited)
        {
            if (hard)
            {
                process.Kill(entireProcessTree: true);
            }
            else
            {
                // SIGTERM: let the service shut down cleanly.
                _ = await RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(cts.Token);
        }

        ForgetPid(process.Id);
    }

    /// <summary>True while a process with <paramref name="pid"/> exists (and is not a zombie).</summary>
    public static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits until <paramref name="ready"/> holds, polling, or fails after <paramref name="timeout"/> with <paramref name="what"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> ready, TimeSpan timeout, string what, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await ready())
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"{what} was not ready within {timeout.TotalSeconds} s. {diagnostics?.Invoke()}");
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The last lines of a log file, for failure messages.</summary>
    public static string Tail(string file, int lines = 20) =>
        File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(lines)) : "(no log)";

    private static string CreatePidDirectory()
    {
        var dir = Environment.GetEnvironmentVariable("IOT_TEST_PID_DIR") is { Length: > 0 } fromEnv ? fromEnv : Path.Combine(Path.GetTempPath(), "iot-test-pids");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Appends a service's output to its log file; tolerates lines that arrive after exit.</summary>
    private sealed class LogSink(string file) : IDisposable
    {
        private readonly StreamWriter _writer = new(file, append: true) { AutoFlush = true };
        private readonly Lock _gate = new();
        private bool _disposed;

        public void Write(string? line)
        {
            lock (_gate)
            {
                if (line is not null && !_disposed)
                {
                    _writer.WriteLine(line);
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                _writer.Dispose();
            }
        }
    }
}
