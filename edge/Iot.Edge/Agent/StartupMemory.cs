using System.Globalization;
using System.Runtime.InteropServices;

namespace Iot.Edge.Agent;

/// <summary>
/// Gives back, once the agent has started, the memory only start-up needed (edge/README.md, "Footprint"): the garbage of
/// building the host (a compacting GC that also returns free heap to the kernel), and the pages of code and read-only data of
/// the binary and of the shared libraries (OpenSSL, libc), which start-up touches by the megabyte and steady running by the
/// kilobyte.
/// </summary>
internal static partial class StartupMemory
{
    private const int MadvDontNeed = 4; // the same number on x64 and arm64 Linux

    /// <summary>Collects and decommits the heap, then unmaps the read-only, never-written pages of mapped files.</summary>
    /// <returns>How many bytes of file mappings were handed back (0 off Linux).</returns>
    public static long Release()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return OperatingSystem.IsLinux() ? UnmapCleanPages() : 0;
    }

    // Only file mappings that can hold no private data are dropped: private, not writable, and no page copied on write
    // (Anonymous: 0 kB; the dynamic loader's relocated pages are copies, and dropping them would undo the relocation).
    // Devices are left alone. Their pages stay in the page cache: what the agent runs maps again on its next use, without
    // I/O. OpenSSL is the most of it: 3.5 MiB mapped at start for the boot id's random bytes; what signatures and TLS to
    // the broker run later maps again when they run.
    private static long UnmapCleanPages()
    {
        long released = 0;
        (nint Start, nint End)? candidate = null;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0].Contains('-', StringComparison.Ordinal) && fields[1].Length == 4)
            {
                candidate = null;
                var range = fields[0].Split('-');
                if (fields.Length == 6 && fields[5].StartsWith('/') && !fields[5].StartsWith("/dev/", StringComparison.Ordinal)
                    && fields[1][1] == '-' && fields[1][3] == 'p')
                {
                    candidate = (nint.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                                 nint.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
            else if (candidate is var (start, end) && fields is ["Anonymous:", "0", "kB"])
            {
                candidate = null;
                if (Madvise(start, (nuint)(end - start), MadvDontNeed) == 0)
                {
                    released += end - start;
                }
            }
        }

        return released;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
