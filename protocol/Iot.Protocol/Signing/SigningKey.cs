using System.Security.Cryptography;

namespace Iot.Protocol.Signing;

/// <summary>
/// The cloud's private key for signing configs and commands: ECDSA on NIST P-256 (JWS <c>ES256</c>), named by its
/// <see cref="KeyId"/>. Only the cloud holds one; agents hold the public half in their <see cref="TrustedKeys"/>.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly ECDsa _key;

    private SigningKey(ECDsa key)
    {
        _key = key;
        KeyId = KeyIds.Of(key);
    }

    /// <summary>The key's id: the first 16 hex digits of the SHA-256 of its public key (SubjectPublicKeyInfo DER).</summary>
    public string KeyId { get; }

    /// <summary>A new random P-256 key.</summary>
    public static SigningKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads a P-256 private key from PEM (<c>-----BEGIN PRIVATE KEY-----</c> or <c>EC PRIVATE KEY</c>).</summary>
    /// <exception cref="CryptographicException">The text holds no P-256 private key.</exception>
    public static SigningKey FromPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256 || key.ExportParameters(includePrivateParameters: true).D is null)
            {
                throw new CryptographicException("the signing key must be an ECDSA P-256 private key");
            }

            return new SigningKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The private key as PKCS#8 PEM, for the key file.</summary>
    public string ToPrivatePem() => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>The public key as PEM (SubjectPublicKeyInfo), what agents are given to trust.</summary>
    public string ToPublicPem() => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>Signs <paramref name="data"/> (SHA-256, the 64-byte r‖s form JWS uses).</summary>
    internal byte[] Sign(ReadOnlySpan<byte> data) => _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}

/// <summary>How keys are named.</summary>
internal static class KeyIds
{
    public static string Of(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
}
