using System.Globalization;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Faults;

/// <summary>
/// A real, small filesystem (tmpfs of a given size) mounted on a temporary folder, so that writes fail with a real
/// ENOSPC, as on a full SD card. Mounting needs root (the build machine runs tests as root); unmounted on dispose.
/// </summary>
public sealed class SmallDisk : IAsyncDisposable
{
    private SmallDisk(string path) => Path = path;

    /// <summary>Where it is mounted.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> bytes, or fails saying why a real full disk cannot be made here.</summary>
    public static async Task<SmallDisk> MountAsync(long bytes)
    {
        var path = ServiceProcess.TempFolder("small-disk");
        try
        {
            await ServiceProcess.RunAsync(ServiceProcess.FindBinary("mount", "mount"),
                ["-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={bytes},mode=0755"), "tmpfs", path], Patience.Seconds(30));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            await UnmountAsync(path); // a mount that timed out may have happened all the same
            Directory.Delete(path);
            throw new InvalidOperationException(
                $"a small tmpfs could not be mounted for a real ENOSPC (run the tests as root, or with CAP_SYS_ADMIN): {e.Message}", e);
        }

        return new SmallDisk(path);
    }

    /// <summary>Fills the disk with a file of other data (logs, say) until only <paramref name="leave"/> bytes are free.</summary>
    public void FillUntilFree(long leave)
    {
        var free = new DriveInfo(Path).AvailableFreeSpace;
        using var filler = new FileStream(System.IO.Path.Combine(Path, "journal.filler"), FileMode.Append, FileAccess.Write, FileShare.None, 1);
        var block = new byte[4096];
        try
        {
            for (var left = free - leave; left > 0; left -= block.Length)
            {
                filler.Write(block, 0, (int)Math.Min(block.Length, left));
            }
        }
        catch (IOException) when (leave == 0)
        {
            // Full to the last block, as asked.
        }
    }

    /// <summary>Free bytes now.</summary>
    public long Free => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Unmounts the disk (also when the test failed with an agent still holding files on it) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await UnmountAsync(Path);
        Directory.Delete(Path);
    }

    private static async Task UnmountAsync(string path)
    {
        if (IsMounted(path))
        {
            // Lazy: detached at once, whatever still has files open on it; the kernel frees it when they close.
            await ServiceProcess.RunAsync(ServiceProcess.FindBinary("umount", "mount"), ["-l", path], Patience.Seconds(30));
        }
    }

    private static bool IsMounted(string path) =>
        File.ReadLines("/proc/self/mounts").Any(line => line.Split(' ') is [_, var point, ..] && point == path);
}
