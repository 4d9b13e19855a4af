using System.Net;

namespace Iot.Cloud.Broker;

/// <summary>
/// Where the embedded broker listens. Always on loopback, IPv4 and IPv6 (127.0.0.1 and ::1), so local tools and the
/// cloud itself reach it either way; <see cref="BrokerOptions.Host"/> may add one address beyond this machine (a LAN
/// address, 0.0.0.0 or ::), which the validator allows only when the broker enforces accounts.
/// </summary>
public static class ListenAddresses
{
    /// <summary>The host as an address: an IP literal, or <c>localhost</c> for 127.0.0.1; null for any other name.</summary>
    public static IPAddress? Parse(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : null;

    /// <summary>Whether <paramref name="address"/> reaches only this machine (127.0.0.0/8, ::1).</summary>
    public static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(address);

    /// <summary>
    /// The addresses to bind for <paramref name="host"/>: 127.0.0.1 and ::1, plus the host's own address when it is
    /// another one. A wildcard host replaces the loopback of its family (binding both would clash on the port).
    /// </summary>
    public static IReadOnlyList<IPAddress> For(string host)
    {
        var extra = Parse(host) ?? throw new ArgumentException($"'{host}' is not an IP address", nameof(host));
        List<IPAddress> addresses = [];
        if (!extra.Equals(IPAddress.Any))
        {
            addresses.Add(IPAddress.Loopback);
        }

        if (!extra.Equals(IPAddress.IPv6Any))
        {
            addresses.Add(IPAddress.IPv6Loopback);
        }

        if (!addresses.Contains(extra))
        {
            addresses.Add(extra);
        }

        return addresses;
    }
}
