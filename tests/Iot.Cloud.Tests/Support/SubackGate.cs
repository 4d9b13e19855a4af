using System.Net;
using System.Net.Sockets;

namespace Iot.Cloud.Tests.Support;

/// <summary>
/// A TCP relay on loopback between a client and a real broker that can hold back the broker's SUBACK: the client is
/// connected (its CONNACK went through) but its subscriptions are not granted yet, the moment readiness must not be
/// reported. Everything else passes unchanged, byte for byte; once released, the held packets follow in order.
/// </summary>
public sealed class SubackGate : IAsyncDisposable
{
    private const int SubackType = 9;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _brokerPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _sockets = [];
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _accepting;

    private SubackGate(int brokerPort)
    {
        _brokerPort = brokerPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Where clients connect instead of the broker.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes when a SUBACK has arrived from the broker and is being held.</summary>
    public Task Holding => _holding.Task;

    /// <summary>Relays to the broker on <paramref name="brokerPort"/>, holding SUBACKs until <see cref="Release"/>.</summary>
    public static SubackGate Start(int brokerPort) => new(brokerPort);

    /// <summary>Lets the held packets, and all that follow, through.</summary>
    public void Release() => _released.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var broker = new TcpClient { NoDelay = true };
                client.NoDelay = true;
                lock (_sockets)
                {
                    _sockets.Add(client);
                    _sockets.Add(broker);
                }

                await broker.ConnectAsync(IPAddress.Loopback, _brokerPort, _stop.Token);
                _ = RelayAsync(client.GetStream(), broker.GetStream(), client, broker);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task RelayAsync(NetworkStream client, NetworkStream broker, TcpClient clientSocket, TcpClient brokerSocket)
    {
        try
        {
            await Task.WhenAny(client.CopyToAsync(broker, _stop.Token), ToClientAsync(broker, client));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Either side went away.
        }
        finally
        {
            // One side closing closes the other, as a broker's connection would.
            clientSocket.Dispose();
            brokerSocket.Dispose();
        }
    }

    // Broker to client, one MQTT control packet at a time: fixed header (type and flags, then the remaining length as a
    // variable byte integer), then the rest.
    private async Task ToClientAsync(NetworkStream broker, NetworkStream client)
    {
        var header = new byte[5];
        while (true)
        {
            await broker.ReadExactlyAsync(header.AsMemory(0, 1), _stop.Token);
            var length = 0;
            var used = 1;
            for (var shift = 0; ; shift += 7)
            {
                await broker.ReadExactlyAsync(header.AsMemory(used, 1), _stop.Token);
                length |= (header[used] & 0x7F) << shift;
                if ((header[used++] & 0x80) == 0)
                {
                    break;
                }
            }

            var body = new byte[length];
            await broker.ReadExactlyAsync(body, _stop.Token);
            if (header[0] >> 4 == SubackType && !_released.Task.IsCompleted)
            {
                _holding.TrySetResult();
                await _released.Task.WaitAsync(_stop.Token);
            }

            await client.WriteAsync(header.AsMemory(0, used), _stop.Token);
            await client.WriteAsync(body, _stop.Token);
        }
    }
}
