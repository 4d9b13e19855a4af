using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Iot.Edge.Provisioning;

/// <summary>
/// The broker's TLS: a private CA (ECDSA P-256, 20 years: the Pis pin it, so it outlives them) that signs the
/// broker's certificate (3 years, reissued by provisioning when its names change or it nears its end). Agents and the
/// cloud trust this CA only.
/// </summary>
public static class BrokerCertificates
{
    /// <summary>How long before its end a server certificate is reissued.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(60);

    /// <summary>Names every server certificate carries besides the operator's: the compose services (Mosquitto, the EMQX cluster's alias) and loopback.</summary>
    public static readonly IReadOnlyList<string> BuiltInNames = ["mosquitto", "emqx", "localhost", "127.0.0.1"];

    /// <summary>A new CA for <paramref name="site"/>.</summary>
    public static X509Certificate2 NewCa(string site, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=iot-estate broker CA ({site}), O=iot-estate", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(20));
    }

    /// <summary>A server certificate for <paramref name="names"/> (DNS names or IP addresses), signed by <paramref name="ca"/>.</summary>
    public static X509Certificate2 NewServer(X509Certificate2 ca, IReadOnlyList<string> names, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(names);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var notAfter = now.AddYears(3) < ca.NotAfter ? now.AddYears(3) : new DateTimeOffset(ca.NotAfter);
        using var issued = request.Create(ca, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Whether <paramref name="server"/> can stay: issued by <paramref name="ca"/>, naming exactly <paramref name="names"/>,
    /// and valid for longer than <see cref="RenewBefore"/>.
    /// </summary>
    public static bool StillGood(X509Certificate2 server, X509Certificate2 ca, IReadOnlyList<string> names, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(names);
        if (server.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewBefore)
        {
            return false;
        }

        var san = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var present = san is null
            ? []
            : san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(ip => ip.ToString())).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!present.SetEquals(names))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(server);
    }

    /// <summary>The private key of a certificate made here, as PKCS#8 PEM.</summary>
    public static string KeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException($"{certificate.Subject} carries no ECDSA private key");
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>Loads a certificate and its key from PEM files.</summary>
    public static X509Certificate2 Load(string certFile, string keyFile) => X509Certificate2.CreateFromPemFile(certFile, keyFile);
}
