using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Iot.Testing;

namespace Iot.Cloud.Tests.Broker;

/// <summary>This machine's own addresses, and whether something accepts TCP connections on one.</summary>
internal static class MachineAddresses
{
    /// <summary>Every address of an interface that is up, except loopback (IPv6 link-local ones carry their scope).</summary>
    public static IReadOnlyList<IPAddress> NonLoopback() =>
        [.. NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => !IPAddress.IsLoopback(a))
            .Distinct()];

    /// <summary>Whether a TCP connection to <paramref name="address"/>:<paramref name="port"/> is accepted.</summary>
    public static async Task<bool> AcceptsAsync(IPAddress address, int port)
    {
        using var client = new TcpClient(address.AddressFamily);
        using var deadline = new CancellationTokenSource(Patience.Seconds(10));
        try
        {
            await client.ConnectAsync(address, port, deadline.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            // Nothing answered at all (a firewall would do that): not accepted either.
            return false;
        }
    }
}
