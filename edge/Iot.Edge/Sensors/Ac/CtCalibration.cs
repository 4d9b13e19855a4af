using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Iot.Edge.Storage;

namespace Iot.Edge.Sensors.Ac;

/// <summary>One CT channel's calibration, measured by <c>iot-edge calibrate</c>.</summary>
/// <param name="ZeroA">The channel's noise floor with the relay open, A (taken out of every reading in quadrature).</param>
/// <param name="Factor">Known load over measured load: corrects the transformer's and the burden's tolerance.</param>
/// <param name="At">When it was measured (null: never; the transformer's rating alone is used).</param>
/// <param name="Note">What was measured, for the installer's record (e.g. "charger-01 outlet 2 against 0.45 A").</param>
public sealed record CtCalibration(double ZeroA = 0, double Factor = 1, DateTimeOffset? At = null, string? Note = null)
{
    /// <summary>Uncalibrated: rating only, no noise floor.</summary>
    public static readonly CtCalibration None = new();

    /// <summary>A factor outside this range means the wrong CT, a wrong burden or a bad reference load.</summary>
    public const double MinFactor = 0.8;

    /// <summary>See <see cref="MinFactor"/>.</summary>
    public const double MaxFactor = 1.25;

    /// <summary>Whether the factor is believable and the zero small (below an unplugged outlet's current).</summary>
    public bool Plausible => Factor is >= MinFactor and <= MaxFactor && ZeroA is >= 0 and < 0.03;
}

/// <summary>
/// The agent's CT calibrations, one per ADS1115 input (<c>bus/address/channel</c>), in <c>ct-calibration.json</c> in the
/// agent's data folder, replaced durably. Keyed by the input, not the device, because it is the transformer and its
/// burden on that input that the numbers describe.
/// </summary>
public sealed class CtCalibrationBook
{
    /// <summary>The file's name in the agent's data folder.</summary>
    public const string FileName = "ct-calibration.json";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, CtCalibration> _entries;
    private readonly string? _path;

    private CtCalibrationBook(string? path, Dictionary<string, CtCalibration> entries)
    {
        _path = path;
        _entries = entries;
    }

    /// <summary>A book kept in memory only (tests, a board without a data folder).</summary>
    public static CtCalibrationBook InMemory() => new(null, new Dictionary<string, CtCalibration>(StringComparer.Ordinal));

    /// <summary>Reads the book from <paramref name="folder"/>; an absent file is an empty book.</summary>
    /// <exception cref="InvalidDataException">The file is not a calibration book.</exception>
    public static CtCalibrationBook Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return new CtCalibrationBook(path, new Dictionary<string, CtCalibration>(StringComparer.Ordinal));
        }

        try
        {
            var entries = JsonSerializer.Deserialize(File.ReadAllText(path), CalibrationJson.Default.DictionaryStringCtCalibration)
                ?? throw new InvalidDataException($"{path} is empty");
            return new CtCalibrationBook(path, new Dictionary<string, CtCalibration>(entries, StringComparer.Ordinal));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a CT calibration file: {e.Message}", e);
        }
    }

    /// <summary>The key of an ADS1115 input: <c>1/0x48/2</c>.</summary>
    public static string Key(int bus, int address, int channel) => string.Create(CultureInfo.InvariantCulture, $"{bus}/0x{address:x2}/{channel}");

    /// <summary>Every calibrated input.</summary>
    public IReadOnlyDictionary<string, CtCalibration> Entries
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, CtCalibration>(_entries, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The calibration of an input, or <see cref="CtCalibration.None"/>.</summary>
    public CtCalibration Get(int bus, int address, int channel)
    {
        lock (_gate)
        {
            return _entries.GetValueOrDefault(Key(bus, address, channel), CtCalibration.None);
        }
    }

    /// <summary>Records an input's calibration and writes the book (when it has a file and <paramref name="persist"/>).</summary>
    public void Set(int bus, int address, int channel, CtCalibration calibration, bool persist = true)
    {
        lock (_gate)
        {
            _entries[Key(bus, address, channel)] = calibration;
            if (_path is not null && persist)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                DurableFile.Replace(_path, JsonSerializer.SerializeToUtf8Bytes(_entries, CalibrationJson.Default.DictionaryStringCtCalibration));
            }
        }
    }
}

/// <summary>Source-generated JSON for the calibration file (the agent is published with Native AOT).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Dictionary<string, CtCalibration>))]
internal sealed partial class CalibrationJson : JsonSerializerContext;
