using System.Runtime.InteropServices;

namespace Iot.Bench.Support;

/// <summary>A one-line description of the machine a figure was measured on.</summary>
public static class Machine
{
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]
            : null;
        var gib = memory is null ? "?" : (long.Parse(memory, System.Globalization.CultureInfo.InvariantCulture) / 1024.0 / 1024.0).ToString("0", System.Globalization.CultureInfo.InvariantCulture);
        return $"{Environment.ProcessorCount} cores {cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {gib} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }

    /// <summary>CPU time used so far by another process on this machine (a store server), zero without one.</summary>
    public static TimeSpan ProcessCpu(int? pid)
    {
        if (pid is null)
        {
            return TimeSpan.Zero;
        }

        using var process = System.Diagnostics.Process.GetProcessById(pid.Value);
        return process.TotalProcessorTime;
    }
}
