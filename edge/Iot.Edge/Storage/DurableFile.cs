using System.Runtime.InteropServices;
using System.Text;

namespace Iot.Edge.Storage;

/// <summary>
/// Small files that must survive a power cut whole (latches, outbox cursors, the trust state): written beside the
/// target, forced to the card, renamed over it, and the rename forced too. Without the fsyncs a Pi that loses power
/// can come back with an empty or an old file, which for a latch would re-energise an outlet that tripped.
/// </summary>
internal static partial class DurableFile
{
    private const int ReadOnlyDirectory = 0x10000;   // O_RDONLY | O_DIRECTORY on Linux

    /// <summary>Replaces <paramref name="path"/>'s content with <paramref name="text"/> (UTF-8), atomically and durably.</summary>
    public static void Replace(string path, string text) => Replace(path, Encoding.UTF8.GetBytes(text));

    /// <summary>Replaces <paramref name="path"/>'s content with <paramref name="content"/>, atomically and durably.</summary>
    public static void Replace(string path, ReadOnlySpan<byte> content)
    {
        var temp = path + ".tmp";
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write))
        {
            RandomAccess.Write(handle, content, 0);
            RandomAccess.FlushToDisk(handle);
        }

        File.Move(temp, path, overwrite: true);
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Forces <paramref name="folder"/>'s entries (a new, renamed or deleted file) to the storage device.</summary>
    public static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(folder, ReadOnlyDirectory);
        if (fd < 0)
        {
            throw new IOException($"cannot open folder {folder} to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"cannot sync folder {folder} (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Close(int fd);
}
