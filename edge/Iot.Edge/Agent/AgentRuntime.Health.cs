namespace Iot.Edge.Agent;

/// <summary>The agent's own health, for status: disk and SoC temperature.</summary>
public sealed partial class AgentRuntime
{
    private long? DiskFree()
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(Outbox.Folder)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double? CpuTemperature()
    {
        const string zone = "/sys/class/thermal/thermal_zone0/temp";
        try
        {
            return File.Exists(zone) && int.TryParse(File.ReadAllText(zone).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var milli)
                ? Math.Round(milli / 1000.0, 1)
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
