using System.Net;
using System.Net.Sockets;

namespace Iot.Cloud.Web;

/// <summary>
/// The address the QR codes carry, and whether a resident's phone on the street could open it. Without
/// <c>Web:PublicBaseUrl</c> the codes carry the address the sheet was opened at; opened as http://127.0.0.1:5080 that
/// is the phone itself, and a whole posted batch would be useless.
/// </summary>
/// <param name="Root">The base address, ending in '/'.</param>
/// <param name="FromSetting">Taken from <c>Web:PublicBaseUrl</c> rather than from the request.</param>
/// <param name="Unreachable">A loopback, localhost, link-local or private-network address: a phone on mobile data cannot reach it.</param>
public sealed record QrAddress(Uri Root, bool FromSetting, bool Unreachable)
{
    /// <summary>The setting when there is one, else the address of the request.</summary>
    public static QrAddress Choose(Uri? configured, Uri requestRoot)
    {
        ArgumentNullException.ThrowIfNull(requestRoot);
        var root = WebOptionsValidator.Normalize(configured ?? requestRoot);
        return new QrAddress(root, configured is not null, IsPrivateOnly(root.Host));
    }

    public static QrAddress Of(HttpRequest request, WebOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        return Choose(options.PublicBase, new Uri($"{request.Scheme}://{request.Host}/"));
    }

    /// <summary>The report page of a courtyard, as the code encodes it.</summary>
    public Uri ReportUrl(string courtyard) => new(Root, $"r/{Uri.EscapeDataString(courtyard)}");

    /// <summary>
    /// Whether only this machine or a private network can reach <paramref name="host"/>: loopback, <c>localhost</c>,
    /// link-local, private IPv4 (10/8, 172.16/12, 192.168/16, 100.64/10 carrier NAT) and IPv6 (fc00::/7), and names
    /// that only a local network resolves (no dot, <c>.local</c>, <c>.lan</c>, <c>.internal</c>, <c>.home.arpa</c>).
    /// </summary>
    public static bool IsPrivateOnly(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        if (IPAddress.TryParse(name, out var ip))
        {
            return IsPrivate(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
        }

        return name is "localhost" || !name.Contains('.', StringComparison.Ordinal)
            || name.EndsWith(".localhost", StringComparison.Ordinal) || name.EndsWith(".local", StringComparison.Ordinal)
            || name.EndsWith(".lan", StringComparison.Ordinal) || name.EndsWith(".internal", StringComparison.Ordinal)
            || name.EndsWith(".home.arpa", StringComparison.Ordinal);
    }

    private static bool IsPrivate(IPAddress ip)
    {
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal;
        }

        var b = ip.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127) || b[0] == 0;
    }
}
