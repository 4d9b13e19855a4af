using System.Runtime.InteropServices;

namespace Iot.Edge.Agent;

/// <summary>Whether the Linux kernel considers its clock synchronised (adjtimex reports TIME_ERROR until NTP has set it).</summary>
internal static partial class KernelClock
{
    private const int TimeError = 5;

    public static bool IsSynchronized()
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        // struct timex is 208 bytes on 64-bit Linux; modes = 0 only reads.
        var timex = new byte[256];
        try
        {
            return AdjTimex(timex) is >= 0 and not TimeError;
        }
        catch (EntryPointNotFoundException)
        {
            return true;
        }
    }

    [LibraryImport("libc", EntryPoint = "adjtimex")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int AdjTimex(byte[] timex);
}
