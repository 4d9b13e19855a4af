using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Iot.Testing.Services;

/// <summary>
/// Listening ports for the services tests start. A port the kernel hands out for port 0 comes from the ephemeral
/// range, where any outgoing connection, or another test project asking the same way, may take it again while a
/// broker is restarted on it; the restarted broker then fails to bind and its readiness check finds the other
/// process's listener. So tests take ports below the ephemeral range (32768 and up on Linux), each test process from
/// its own block (<c>IOT_TEST_PORTS</c>=<c>first-last</c>, set per project by test.sh), and never hand out the same
/// port twice while the block lasts.
/// </summary>
public static class TestPorts
{
    private const int DefaultFirst = 10_000;
    private const int DefaultBlock = 2_000;
    private const int DefaultBlocks = 10;

    private static readonly (int First, int Last) Block = ReadBlock();
    private static int _next = Random.Shared.Next(Block.Last - Block.First + 1);

    /// <summary>The block this process takes its ports from.</summary>
    public static (int First, int Last) Range => Block;

    /// <summary>A port of this process's block that nothing listens on now and that this process has not handed out before (until the block wraps).</summary>
    public static int Next()
    {
        var size = Block.Last - Block.First + 1;
        for (var tried = 0; tried < size; tried++)
        {
            var port = Block.First + (int)((uint)Interlocked.Increment(ref _next) % (uint)size);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free port in {Block.First}-{Block.Last} (IOT_TEST_PORTS)");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int, int) ReadBlock()
    {
        var setting = Environment.GetEnvironmentVariable("IOT_TEST_PORTS");
        if (!string.IsNullOrEmpty(setting))
        {
            var parts = setting.Split('-');
            if (parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                && first is >= 1024 and <= 65535 && last >= first && last <= 65535)
            {
                return (first, last);
            }

            throw new InvalidOperationException($"IOT_TEST_PORTS is '{setting}'; give first-last, e.g. 10000-11999");
        }

        // Run outside test.sh (dotnet test, an IDE): a block chosen by process id, so two projects run at once rarely share one.
        var start = DefaultFirst + (Environment.ProcessId % DefaultBlocks * DefaultBlock);
        return (start, start + DefaultBlock - 1);
    }
}
