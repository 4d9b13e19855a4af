using System.Diagnostics;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Broker;

/// <summary>
/// Programs the broker tests run to completion: the built edge and cloud programs (for provisioning, and a start that
/// must fail) and Mosquitto's command-line clients. Each is killed if it outlives its deadline.
/// </summary>
internal static class Commands
{
    /// <summary>The built program <paramref name="assembly"/> of <paramref name="project"/>, in this test run's configuration.</summary>
    public static string Built(string project, string assembly)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = RepoPaths.Of([.. project.Split('/'), "bin", configuration, "net10.0", $"{assembly}.dll"]);
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build it first: dotnet build {project}", dll);
    }

    /// <summary>Runs <c>dotnet <paramref name="dll"/></c> and returns its exit code and output.</summary>
    public static Task<(int Exit, string Output)> DotnetAsync(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        RunAsync("dotnet", [dll, .. args], environment, Patience.Seconds(120));

    /// <summary>Runs one of Mosquitto's clients (<c>mosquitto_pub</c>, <c>mosquitto_sub</c>) and returns its exit code and output.</summary>
    public static Task<(int Exit, string Output)> MosquittoAsync(string tool, params string[] args) =>
        RunAsync(ServiceProcess.FindBinary(tool, "mosquitto-clients"), args, null, Patience.Seconds(30));

    private static async Task<(int Exit, string Output)> RunAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish within {timeout.TotalSeconds} s");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
