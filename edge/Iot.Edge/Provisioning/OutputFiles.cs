using System.Text;

namespace Iot.Edge.Provisioning;

/// <summary>
/// Writes provisioning output: created with its final permissions (a secret is never readable by others, not even
/// for a moment), replaced atomically, and left alone when its content is already right.
/// </summary>
public static class OutputFiles
{
    /// <summary>rw for the owner only: passwords and private keys.</summary>
    public const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>rw for the owner, r for its group: what a service reads through its group.</summary>
    public const UnixFileMode GroupReadable = Secret | UnixFileMode.GroupRead;

    /// <summary>rw for the owner, r for everyone: certificates, manifests, unit files.</summary>
    public const UnixFileMode Public = GroupReadable | UnixFileMode.OtherRead;

    /// <summary>rwx for the owner, rx for everyone: scripts.</summary>
    public const UnixFileMode Executable = Public | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>rwx for the owner only: folders of secrets.</summary>
    public const UnixFileMode SecretFolder = Secret | UnixFileMode.UserExecute;

    /// <summary>rwx for the owner, rx for everyone: folders anyone may read.</summary>
    public const UnixFileMode PublicFolder = Executable;

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) unless the file already holds it; returns whether it changed.</summary>
    public static bool Write(string path, string text, UnixFileMode mode) => Write(path, new UTF8Encoding(false).GetBytes(text), mode);

    /// <summary>Writes <paramref name="bytes"/> unless the file already holds them; returns whether it changed.</summary>
    public static bool Write(string path, byte[] bytes, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(bytes);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            SetMode(path, mode);
            return false;
        }

        var temp = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(bytes);
        }

        SetMode(temp, mode); // the umask may have narrowed the create mode
        File.Move(temp, path, overwrite: true);
        return true;
    }

    /// <summary>Creates a folder (and its parents) and gives it <paramref name="mode"/>.</summary>
    public static string Folder(string path, UnixFileMode mode)
    {
        Directory.CreateDirectory(path);
        SetMode(path, mode);
        return path;
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }
}
