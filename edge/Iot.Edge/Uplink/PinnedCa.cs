using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Iot.Edge.Uplink;

/// <summary>Accepts a broker certificate only when it chains to the one CA the agent was given (and names the host).</summary>
public static class PinnedCa
{
    /// <summary>Whether <paramref name="certificate"/> is issued, directly or through intermediates it carries, by <paramref name="ca"/>.</summary>
    public static bool Accepts(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
