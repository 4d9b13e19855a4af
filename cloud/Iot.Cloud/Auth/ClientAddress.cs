using System.Net;
using System.Net.Sockets;

namespace Iot.Cloud.Auth;

/// <summary>
/// The partition key of every per-client limit (sign-in, reports, look-ups). One IPv6 subscriber gets a whole /64 and
/// can pick a new address from it for each request, so IPv6 addresses count per /64; an IPv4 address counts as itself,
/// also when it arrives as IPv4-mapped IPv6 (a dual-stack socket).
/// </summary>
public static class ClientAddress
{
    /// <summary>The key for <paramref name="address"/>: <c>203.0.113.7</c>, <c>2001:db8:1:2::/64</c>, or <c>unknown</c>.</summary>
    public static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return $"{new IPAddress(bytes)}/64";
    }
}
