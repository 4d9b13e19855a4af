using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Iot.Cloud.Operations;

namespace Iot.Cloud.Broker;

/// <summary>
/// Mosquitto 2's password file (<c>name:$7$iterations$salt$hash</c>, PBKDF2-HMAC-SHA512), as <c>iot-edge provision
/// broker</c> writes it into <c>broker/passwd</c>: the embedded broker checks the same hashes Mosquitto does and never
/// sees the plain passwords of the agents. (The edge project writes this format; the cloud does not reference it, so
/// this reader is its own, and a test runs both on one generated file.)
/// </summary>
public sealed class MosquittoPasswordFile
{
    private const int MaxIterations = 1_000_000;

    // Checked for names that do not exist, so that a wrong name takes as long as a wrong password.
    private static readonly Entry Decoy = new(101, RandomNumberGenerator.GetBytes(12), RandomNumberGenerator.GetBytes(64));

    private readonly Dictionary<string, Entry> _entries;

    private MosquittoPasswordFile(Dictionary<string, Entry> entries) => _entries = entries;

    /// <summary>The account names, for messages and tests.</summary>
    public IReadOnlyCollection<string> Names => _entries.Keys;

    /// <summary>Reads <paramref name="file"/>; a line it cannot use stops the start, named by file and line.</summary>
    public static MosquittoPasswordFile Load(string file)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in File.ReadLines(file))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !TryParseHash(line[(colon + 1)..], out var entry))
            {
                throw new SettingsException($"{file}:{number}: not a Mosquitto 2 password entry (name:$7$iterations$salt$hash); make it with `iot-edge provision broker`");
            }

            if (!entries.TryAdd(line[..colon], entry))
            {
                throw new SettingsException($"{file}:{number}: account '{line[..colon]}' is listed twice");
            }
        }

        return new MosquittoPasswordFile(entries);
    }

    /// <summary>Whether <paramref name="password"/> is <paramref name="name"/>'s; the hashes are compared in constant time.</summary>
    public bool Verifies(string name, ReadOnlySpan<byte> password)
    {
        var known = _entries.TryGetValue(name, out var entry);
        entry ??= Decoy;
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, entry.Salt, entry.Iterations, HashAlgorithmName.SHA512, entry.Hash.Length);
        return CryptographicOperations.FixedTimeEquals(hash, entry.Hash) && known;
    }

    /// <summary>Whether <paramref name="password"/> (text) is <paramref name="name"/>'s.</summary>
    public bool Verifies(string name, string password) => Verifies(name, Encoding.UTF8.GetBytes(password));

    private static bool TryParseHash(string text, out Entry entry)
    {
        entry = Decoy;
        if (text.Split('$') is not ["", "7", var iterationsText, var saltText, var hashText]
            || !int.TryParse(iterationsText, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations is < 1 or > MaxIterations)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(saltText);
            var hash = Convert.FromBase64String(hashText);
            if (salt.Length == 0 || hash.Length is < 32 or > 64)
            {
                return false;
            }

            entry = new Entry(iterations, salt, hash);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private sealed record Entry(int Iterations, byte[] Salt, byte[] Hash);
}
