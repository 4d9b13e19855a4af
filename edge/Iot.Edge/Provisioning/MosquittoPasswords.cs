using System.Security.Cryptography;
using System.Text;

namespace Iot.Edge.Provisioning;

/// <summary>
/// Password-file entries in Mosquitto 2's own format (<c>name:$7$101$salt$hash</c>, PBKDF2-HMAC-SHA512 with 101
/// iterations, a 12-byte salt and a 64-byte hash, both base64), so provisioning needs no <c>mosquitto_passwd</c>.
/// </summary>
public static class MosquittoPasswords
{
    private const int Iterations = 101;
    private const int SaltBytes = 12;
    private const int HashBytes = 64;

    /// <summary>One line of a Mosquitto password file for <paramref name="user"/>.</summary>
    public static string Entry(string user, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (user.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"a Mosquitto user name cannot hold ':' ({user})", nameof(user));
        }

        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return $"{user}:{Hash(password, salt)}";
    }

    /// <summary>Whether <paramref name="password"/> matches an entry's <c>$7$</c> hash (for checks and tests).</summary>
    public static bool Verifies(string entry, string password)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var parts = entry[(entry.IndexOf(':', StringComparison.Ordinal) + 1)..].Split('$');
        if (parts is not [_, "7", var iterations, var salt, _] || iterations != Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return false;
        }

        var expected = entry[(entry.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(password, Convert.FromBase64String(salt))), Encoding.ASCII.GetBytes(expected));
    }

    private static string Hash(string password, byte[] salt)
    {
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA512, HashBytes);
        return $"$7${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }
}
