using System.Diagnostics;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Deployment;

/// <summary>
/// One of our built programs (iot-edge, iot-cloud) as its own process, configured through environment variables as
/// compose and systemd configure it; stopped by pid with SIGTERM, as `docker stop` and systemd stop it.
/// </summary>
public sealed class ProgramProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();
    private bool _closed;

    private ProgramProcess(Process process, string logFile)
    {
        _process = process;
        LogFile = logFile;
        _log = new StreamWriter(logFile, append: true) { AutoFlush = true };
    }

    /// <summary>The program's output.</summary>
    public string LogFile { get; }

    /// <summary>Whether it has stopped.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Its process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Its exit code, once it has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The built program's dll, in the configuration this test run was built in (test.sh builds Debug).</summary>
    public static string Built(string project, string assembly)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = RepoPaths.Of(project.Split('/').Concat(["bin", configuration, "net10.0", $"{assembly}.dll"]).ToArray());
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build it first: dotnet build {project}", dll);
    }

    /// <summary>The edge agent's dll.</summary>
    public static string Edge => Built("edge/Iot.Edge", "iot-edge");

    /// <summary>The cloud's dll.</summary>
    public static string Cloud => Built("cloud/Iot.Cloud", "iot-cloud");

    /// <summary>Starts <paramref name="dll"/> with <paramref name="args"/> and <paramref name="environment"/>, output to <paramref name="logFile"/>.</summary>
    public static ProgramProcess Start(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string logFile)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(logFile)!,
        };
        psi.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        // Development unless a test names the environment (as run.sh): Production asks for the settings of a public
        // deployment (Web:PublicBaseUrl, Operations:MetricsToken), which the Production tests give.
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {dll}");
        var program = new ProgramProcess(process, logFile);
        process.OutputDataReceived += (_, e) => program.Write(e.Data);
        process.ErrorDataReceived += (_, e) => program.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return program;
    }

    /// <summary>Runs a verb to completion and returns its exit code and output.</summary>
    public static Task<(int Exit, string Output)> RunAsync(string dll, params string[] args) =>
        RunAsync(dll, args, new Dictionary<string, string>());

    /// <summary>
    /// Runs <paramref name="dll"/> to completion with <paramref name="environment"/>, <paramref name="input"/> on its
    /// standard input, and returns its exit code and output.
    /// </summary>
    public static async Task<(int Exit, string Output)> RunAsync(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string input = "")
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience.Seconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // a verb that hangs is not left running
            throw new TimeoutException($"{Path.GetFileName(dll)} {string.Join(' ', args)} did not finish within {Patience.Seconds(120).TotalSeconds} s");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The last lines of its output, for failure messages.</summary>
    public string Tail() => ServiceProcess.Tail(LogFile, 30);

    /// <summary>SIGKILL, as a crash, the OOM killer or a power cut would stop it; waits until it is gone.</summary>
    public Task KillAsync() => ServiceProcess.KillAsync(_process, hard: true);

    /// <summary>SIGTERM, and waits until it has stopped (SIGKILL after 20 s).</summary>
    public async Task StopAsync()
    {
        try
        {
            await ServiceProcess.KillAsync(_process, hard: false);
        }
        catch (OperationCanceledException)
        {
            await ServiceProcess.KillAsync(_process, hard: true);
        }
    }

    /// <summary>SIGTERM, as docker stop and systemd do; SIGKILL if it has not stopped within 20 s.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await ServiceProcess.KillAsync(_process, hard: false);
        }
        catch (OperationCanceledException)
        {
            await ServiceProcess.KillAsync(_process, hard: true);
        }

        lock (_gate)
        {
            _closed = true;
            _log.Dispose();
        }

        _process.Dispose();
    }

    private void Write(string? line)
    {
        lock (_gate)
        {
            if (line is not null && !_closed)
            {
                _log.WriteLine(line);
            }
        }
    }
}
