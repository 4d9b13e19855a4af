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

    /// <summary>A TCP port on 127.0.0.1 that is free now and that no other test, here or in another test project, is given (see <see cref="TestPorts"/>).</summary>
    public static int FreePort() => TestPorts.Next();

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

    /// <summary>Starts a long-running service with its output going to <paramref name="logFile"/>, stopped by <see cref="KillAsync"/> (test.sh ends any the test host could not).</summary>
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
        return process;
    }

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

    }

    /// <summary>
    /// Sends <paramref name="signal"/> (INT, TERM, KILL) to every process of the group led by <paramref name="leader"/>
    /// (a program started under <c>setsid</c>); a group that is already gone is fine.
    /// </summary>
    public static void SignalGroup(int leader, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, "--", "-" + leader.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        });
        kill?.WaitForExit();
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

    /// <summary>
    /// Waits until <paramref name="ready"/> holds, polling, or fails after <paramref name="timeout"/> (stretched by
    /// <see cref="Patience"/>, measured on the monotonic clock) naming <paramref name="what"/>.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> ready, TimeSpan timeout, string what, Func<string>? diagnostics = null)
    {
        var limit = Patience.Of(timeout);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (await ready())
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"{what} was not ready within {limit.TotalSeconds} s. {diagnostics?.Invoke()}");
    }

    /// <summary>
    /// Waits until <paramref name="done"/> holds for as long as <paramref name="progress"/> keeps moving: fails only when
    /// it has stood still for <paramref name="stall"/> (stretched by <see cref="Patience"/>). For waits whose length is
    /// throughput (messages ingested, records replayed), which a busy machine stretches without anything being wrong.
    /// </summary>
    public static async Task WaitWhileProgressingAsync(Func<Task<long>> progress, Func<long, bool> done, TimeSpan stall, string what, Func<string>? diagnostics = null)
    {
        var limit = Patience.Of(stall);
        var last = await progress();
        var still = Stopwatch.StartNew();
        while (!done(last))
        {
            if (still.Elapsed > limit)
            {
                throw new TimeoutException($"{what}: stuck at {last} for {limit.TotalSeconds} s. {diagnostics?.Invoke()}");
            }

            await Task.Delay(25);
            var now = await progress();
            if (now != last)
            {
                last = now;
                still.Restart();
            }
        }
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
