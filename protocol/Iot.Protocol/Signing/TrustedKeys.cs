using System.Security.Cryptography;

namespace Iot.Protocol.Signing;

/// <summary>
/// The public keys an agent believes, by key id: normally the cloud's one key, two while the cloud's key is being
/// replaced (the old and the new), so that configs and commands signed with either are accepted during the change.
/// </summary>
public sealed class TrustedKeys : IDisposable
{
    private readonly Dictionary<string, ECDsa> _keys;

    private TrustedKeys(Dictionary<string, ECDsa> keys) => _keys = keys;

    /// <summary>The ids of the keys trusted.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Whether no key is trusted (then nothing signed can be accepted).</summary>
    public bool IsEmpty => _keys.Count == 0;

    /// <summary>Reads every public key in <paramref name="pems"/> (each text may hold one PEM block).</summary>
    /// <exception cref="CryptographicException">A text holds no P-256 public key.</exception>
    public static TrustedKeys FromPem(IEnumerable<string> pems)
    {
        ArgumentNullException.ThrowIfNull(pems);
        var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        try
        {
            foreach (var pem in pems)
            {
                var key = ECDsa.Create();
                keys[Add(key, pem)] = key;
            }
        }
        catch
        {
            foreach (var key in keys.Values)
            {
                key.Dispose();
            }

            throw;
        }

        return new TrustedKeys(keys);
    }

    /// <summary>The public half of <paramref name="signingKey"/> alone (a cloud checking its own signatures, tests).</summary>
    public static TrustedKeys Of(SigningKey signingKey)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        return FromPem([signingKey.ToPublicPem()]);
    }

    /// <summary>Checks <paramref name="signature"/> over <paramref name="data"/> with the key <paramref name="keyId"/>; false when the key is not trusted.</summary>
    internal bool Verify(string keyId, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        _keys.TryGetValue(keyId, out var key)
        && key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>Whether <paramref name="keyId"/> is trusted.</summary>
    public bool Contains(string keyId) => _keys.ContainsKey(keyId);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }

    private static string Add(ECDsa key, string pem)
    {
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new CryptographicException($"a trusted key must be ECDSA P-256; this one has {key.KeySize} bits");
            }

            return Signing.KeyIds.Of(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
