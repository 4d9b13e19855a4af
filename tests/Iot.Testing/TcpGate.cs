using System.Net;
using System.Net.Sockets;

namespace Iot.Testing;

/// <summary>
/// A gate in front of the broker's port for the agent under test: open, it passes bytes both ways untouched; closed, it
/// refuses new connections (accepts and drops them, as a dead link would). A test closes it to decide when the agent
/// may reach a restarted broker, so that a subscriber is in place first, whatever the machine's speed.
/// </summary>
public sealed class TcpGate : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pipes = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private volatile bool _open = true;

    public TcpGate(int upstream)
    {
        _upstream = upstream;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>Where the agent connects.</summary>
    public int Port { get; }

    /// <summary>New connections are dropped until <see cref="Open"/>; connections already through are left alone.</summary>
    public void Close() => _open = false;

    /// <summary>New connections go through to the broker.</summary>
    public void Open() => _open = true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pipes;
        lock (_gate)
        {
            pipes = [.. _pipes];
        }

        await Task.WhenAll(pipes);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (!_open)
            {
                client.Dispose();
                continue;
            }

            lock (_gate)
            {
                _pipes.RemoveAll(p => p.IsCompleted);
                _pipes.Add(PipeAsync(client));
            }
        }
    }

    // Both directions until either side closes; then both are closed, as a proxy that died with the link would.
    private async Task PipeAsync(TcpClient client)
    {
        using (client)
        using (var broker = new TcpClient())
        using (var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            try
            {
                await broker.ConnectAsync(IPAddress.Loopback, _upstream, done.Token);
                client.NoDelay = true;
                broker.NoDelay = true;
                var up = client.GetStream().CopyToAsync(broker.GetStream(), done.Token);
                var down = broker.GetStream().CopyToAsync(client.GetStream(), done.Token);
                await Task.WhenAny(up, down);
                await done.CancelAsync();
                await Task.WhenAll(up, down);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The link is gone, which is what the agent must cope with.
            }
        }
    }
}
