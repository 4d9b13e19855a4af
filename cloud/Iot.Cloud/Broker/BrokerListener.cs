using System.Net;
using System.Net.Sockets;
using Iot.Cloud.Operations;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace Iot.Cloud.Broker;

/// <summary>
/// The embedded broker's TCP listeners, in place of MQTTnet's own (which binds every IPv6 interface unless told
/// otherwise, and has no connection or packet size limit): exactly the given addresses, IPv6 sockets IPv6-only, at most
/// <see cref="BrokerOptions.MaxConnections"/> connections at once, and packets of at most
/// <see cref="BrokerOptions.MaxPacketBytes"/>.
/// </summary>
internal sealed partial class BrokerListener(IReadOnlyList<IPAddress> addresses, BrokerOptions options, bool userNameAsClientId, ILogger logger) : IMqttServerAdapter
{
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _accepting = [];
    private CancellationTokenSource? _stopping;
    private MqttServerOptions _serverOptions = new();
    private IMqttNetLogger _mqttLogger = MqttNetNullLogger.Instance;
    private int _connections;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>The addresses actually listened on (::1 is left out where the machine has no IPv6 loopback).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; private set; } = [];

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _serverOptions = options;
        _mqttLogger = logger;
        var stopping = _stopping = new CancellationTokenSource();
        try
        {
            foreach (var address in addresses)
            {
                if (Bind(address) is { } socket)
                {
                    _sockets.Add(socket);
                    _accepting.Add(Task.Run(() => AcceptAsync(socket, stopping.Token)));
                }
            }

            Endpoints = [.. _sockets.Select(s => (IPEndPoint)s.LocalEndPoint!)];
        }
        catch
        {
            CloseSockets();
            throw;
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        // The server stops its adapters on StopAsync and again when disposed, possibly while the first is under way.
        if (Interlocked.Exchange(ref _stopping, null) is not { } stopping)
        {
            return;
        }

        await stopping.CancelAsync();
        CloseSockets();
        Task[] accepting;
        lock (_accepting)
        {
            accepting = [.. _accepting];
            _accepting.Clear();
        }

        await Task.WhenAll(accepting);
        stopping.Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopping, null) is { } stopping)
        {
            stopping.Cancel();
            stopping.Dispose();
        }

        CloseSockets();
    }

    private Socket? Bind(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // [::] must not take IPv4 as well: IPv4 is bound, or not, on its own.
                socket.DualMode = false;
            }

            socket.Bind(new IPEndPoint(address, options.Port));
            socket.Listen(100);
            return socket;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported
            && address.Equals(IPAddress.IPv6Loopback))
        {
            // A container without IPv6: loopback is then IPv4 only, which is no wider.
            socket.Dispose();
            LogNoIpv6Loopback(logger, e.Message);
            return null;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AddressNotAvailable or SocketError.AccessDenied)
        {
            socket.Dispose();
            throw new SettingsException($"Broker:Port {options.Port} cannot be listened on at {address}: {e.Message} (another broker running? use Broker:Port, or Broker:Mode=External)", e);
        }
    }

    private async Task AcceptAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // A connection reset before it was accepted; the listener itself is fine.
                LogAcceptFailed(logger, e.SocketErrorCode);
                continue;
            }

            if (Interlocked.Increment(ref _connections) > options.MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                LogTooManyConnections(logger, client.RemoteEndPoint, options.MaxConnections);
                client.Dispose();
                continue;
            }

            _ = Task.Run(() => ServeAsync(client), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            // The server clears its handler while it stops.
            if (ClientHandler is not { } handler)
            {
                return;
            }

            var remote = client.RemoteEndPoint!;
            var stream = new NetworkStream(client, ownsSocket: true);
            var channel = new PacketSizeGuard(new MqttTcpChannel(stream, client.LocalEndPoint, remote, null), options.MaxPacketBytes, size => LogPacketTooLarge(logger, remote, size, options.MaxPacketBytes));
            var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(_serverOptions.WriterBufferSize, _serverOptions.WriterBufferSizeMax));
            using var adapter = new BrokerClientAdapter(new MqttChannelAdapter(channel, formatter, _mqttLogger), userNameAsClientId, options.MaxPacketBytes);

            // MQTTnet's handler runs the whole connection and handles its own errors.
            await handler(adapter);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            LogConnectionFailed(logger, e.Message);
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref _connections);
        }
    }

    private void CloseSockets()
    {
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }

            _sockets.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded MQTT broker: no IPv6 loopback on this machine ({Reason}); listening on IPv4 loopback only")]
    private static partial void LogNoIpv6Loopback(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Embedded MQTT broker: accepting a connection failed: {Error}")]
    private static partial void LogAcceptFailed(ILogger logger, SocketError error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded MQTT broker refused a connection from {Remote}: {Max} connections open already (Broker:MaxConnections)")]
    private static partial void LogTooManyConnections(ILogger logger, EndPoint? remote, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded MQTT broker closed the connection from {Remote}: a packet of at least {Size} bytes announced, more than {Max} (Broker:MaxPacketBytes)")]
    private static partial void LogPacketTooLarge(ILogger logger, EndPoint remote, long size, int max);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Embedded MQTT broker: a connection ended with an error: {Error}")]
    private static partial void LogConnectionFailed(ILogger logger, string error);
}
