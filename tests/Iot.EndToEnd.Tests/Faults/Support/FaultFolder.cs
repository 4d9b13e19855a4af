using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Faults.Support;

/// <summary>A test's temporary folder (logs, data of the cloud and the agents), deleted afterwards.</summary>
public sealed class FaultFolder : IDisposable
{
    /// <summary>Creates one named after the fault.</summary>
    public FaultFolder(string fault) => Path = ServiceProcess.TempFolder(fault);

    /// <summary>Its path.</summary>
    public string Path { get; }

    /// <summary>Keeps the folder when the test failed, for its logs; set by the test once it passed.</summary>
    public bool Passed { get; set; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!Passed)
        {
            return; // the logs of a failed run stay in /tmp for whoever investigates
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Files another user wrote (a broker's database); harmless.
        }
    }
}
