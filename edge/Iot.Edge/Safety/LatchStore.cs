using System.Globalization;

namespace Iot.Edge.Safety;

/// <summary>A latched outlet as kept on disk.</summary>
/// <param name="Reason">Why it tripped.</param>
/// <param name="LockoutSeconds">Lockout still to serve when saved, s (restarted in full after a reboot: the safe side).</param>
public sealed record Latch(string Reason, double LockoutSeconds);

/// <summary>
/// Keeps latched outlets in a small file, written durably (<see cref="Storage.DurableFile"/>), so that a power cut or a
/// crash does not re-energise an outlet that tripped: a latch ends only with a person's reset. Null folder keeps
/// latches in memory only.
/// </summary>
public sealed class LatchStore(string? folder)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Latch> _latches = Load(folder);

    /// <summary>The latch of an outlet, if any.</summary>
    public Latch? Get(string device, int outlet)
    {
        lock (_gate)
        {
            return _latches.GetValueOrDefault(Key(device, outlet));
        }
    }

    /// <summary>Records or clears (null) an outlet's latch.</summary>
    public void Set(string device, int outlet, Latch? latch)
    {
        lock (_gate)
        {
            if (latch is null)
            {
                _latches.Remove(Key(device, outlet));
            }
            else
            {
                _latches[Key(device, outlet)] = latch;
            }

            Save();
        }
    }

    /// <summary>Writes the file again if the last change could not be saved (called every second by the agent).</summary>
    public void SaveIfUnsaved()
    {
        lock (_gate)
        {
            if (Unsaved)
            {
                Save();
            }
        }
    }

    private void Save()
    {
        if (folder is null)
        {
            return;
        }

        // A full disk must not stop a trip half-way (the next outlet still to cut): the latch holds in memory, and
        // the file is written again as soon as there is room.
        try
        {
            Directory.CreateDirectory(folder);
            var lines = _latches.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Key} {l.Value.Reason} {l.Value.LockoutSeconds:R}\n"));
            Storage.DurableFile.Replace(Path.Combine(folder, "latches.txt"), string.Concat(lines));
            Unsaved = false;
        }
        catch (IOException)
        {
            Unsaved = true;
        }
    }

    /// <summary>True when the last change could not be written to disk (a full disk): the latches hold in memory only.</summary>
    public bool Unsaved { get; private set; }

    private static string Key(string device, int outlet) => string.Create(CultureInfo.InvariantCulture, $"{device}/{outlet}");

    private static Dictionary<string, Latch> Load(string? folder)
    {
        var latches = new Dictionary<string, Latch>(StringComparer.Ordinal);
        var file = folder is null ? null : Path.Combine(folder, "latches.txt");
        if (file is null || !File.Exists(file))
        {
            return latches;
        }

        foreach (var line in File.ReadAllLines(file))
        {
            var parts = line.Split(' ');
            if (parts.Length == 3 && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                latches[parts[0]] = new Latch(parts[1], seconds);
            }
        }

        return latches;
    }
}
