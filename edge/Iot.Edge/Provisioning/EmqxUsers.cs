using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Iot.Edge.Provisioning;

/// <summary>
/// The same accounts as Mosquitto's password file, for EMQX 5's built-in database: a bootstrap file of users
/// (<c>bootstrap_file</c> with <c>bootstrap_type = hash</c>) that EMQX imports when its authenticator starts, so no
/// plain password is written. The JSON form of EMQX's user import, one object per account with <c>user_id</c>,
/// <c>password_hash</c>, <c>salt</c> and <c>is_superuser</c>
/// (https://docs.emqx.com/en/emqx/latest/access-control/authn/user_management.html, "Supported File Formats").
/// The hash is PBKDF2-HMAC-SHA512 with Mosquitto's 101 iterations and a 64-byte key, written as lowercase hex;
/// EMQX hashes the salt string's bytes as they are (emqx_passwd.erl, emqx_authn_password_hashing.erl: its own salts
/// are 32 hex characters too). EMQX must be configured with the same algorithm: <see cref="HashAlgorithmHocon"/>.
/// </summary>
public static class EmqxUsers
{
    /// <summary>Mosquitto's <c>$7$</c> iteration count, so both brokers' files cost the same to attack.</summary>
    public const int Iterations = 101;

    /// <summary>The derived key's length in bytes (SHA-512's output).</summary>
    public const int KeyBytes = 64;

    private const int SaltBytes = 16;

    /// <summary>The authenticator's <c>password_hash_algorithm</c> that verifies these hashes (docker/emqx/emqx.conf).</summary>
    public static readonly string HashAlgorithmHocon = $"{{ name = pbkdf2, mac_fun = sha512, iterations = {Iterations}, dk_length = {KeyBytes} }}";

    /// <summary>
    /// The bootstrap file for every account in <paramref name="book"/>. An entry of <paramref name="existingFile"/> that
    /// still verifies its password is kept as it is, so provisioning again changes nothing that need not change.
    /// </summary>
    public static string File(AccountBook book, string? existingFile)
    {
        ArgumentNullException.ThrowIfNull(book);
        var existing = Read(existingFile);
        var users = new JsonArray();
        foreach (var name in book.Names)
        {
            var password = book.PasswordOf(name);
            var (hash, salt) = existing.TryGetValue(name, out var kept) && Verifies(kept.Hash, kept.Salt, password) ? kept : Hash(password);
            users.Add((JsonNode)new JsonObject { ["user_id"] = name, ["password_hash"] = hash, ["salt"] = salt, ["is_superuser"] = false });
        }

        return users.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>A new salt and the hash of <paramref name="password"/> with it.</summary>
    public static (string Hash, string Salt) Hash(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SaltBytes));
        return (HashWith(password, salt), salt);
    }

    /// <summary>Whether <paramref name="password"/> hashes to <paramref name="hash"/> with <paramref name="salt"/>, as EMQX checks it.</summary>
    public static bool Verifies(string hash, string salt, string password)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(password);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashWith(password, salt)), Encoding.ASCII.GetBytes(hash));
    }

    private static string HashWith(string password, string salt) =>
        Convert.ToHexStringLower(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), Iterations, HashAlgorithmName.SHA512, KeyBytes));

    private static Dictionary<string, (string Hash, string Salt)> Read(string? file)
    {
        var entries = new Dictionary<string, (string Hash, string Salt)>(StringComparer.Ordinal);
        if (file is null || !System.IO.File.Exists(file))
        {
            return entries;
        }

        try
        {
            foreach (var user in JsonNode.Parse(System.IO.File.ReadAllText(file))?.AsArray() ?? [])
            {
                if (user?["user_id"]?.GetValue<string>() is { } id && user["password_hash"]?.GetValue<string>() is { } hash && user["salt"]?.GetValue<string>() is { } salt)
                {
                    entries[id] = (hash, salt);
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            // An unreadable file is simply remade from the account book, with new salts.
            entries.Clear();
        }

        return entries;
    }
}
