using Iot.Cloud.Data;

namespace Iot.Cloud.Auth;

/// <summary>
/// The long-lived connections (the live stream) open for each account, so that a change to the account (disabled,
/// new role or party, password reset) ends them at once: a request is checked against the security stamp when it
/// starts, a stream only when it starts, so the stream is told. The other instances on the same PostgreSQL database
/// are told too (<see cref="InstanceBus"/>); a change made by another process (the command line) reaches a stream at
/// its next heartbeat, when the stream checks the stamp itself.
/// </summary>
public sealed class AccountSessions
{
    private const string Topic = "account";
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<CancellationTokenSource>> _open = new(StringComparer.Ordinal);
    private readonly InstanceBus? _bus;

    /// <summary>Sessions of this process alone.</summary>
    public AccountSessions()
    {
    }

    /// <summary>Sessions whose revocations reach the other instances through <paramref name="bus"/>.</summary>
    public AccountSessions(InstanceBus bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        _bus = bus;
        bus.On(Topic, RevokeHere);
    }

    /// <summary>Connections open for <paramref name="userName"/>.</summary>
    public int OpenFor(string userName)
    {
        lock (_gate)
        {
            return _open.TryGetValue(userName, out var set) ? set.Count : 0;
        }
    }

    /// <summary>Registers a connection of <paramref name="userName"/>; its token is cancelled when the account changes. Dispose when it ends.</summary>
    public Connection Open(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var cancel = new CancellationTokenSource();
        lock (_gate)
        {
            if (!_open.TryGetValue(userName, out var set))
            {
                _open[userName] = set = [];
            }

            set.Add(cancel);
        }

        return new Connection(this, userName, cancel);
    }

    /// <summary>Ends every open connection of <paramref name="userName"/>, here and on the other instances.</summary>
    public void Revoke(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        RevokeHere(userName);
        _bus?.Publish(Topic, userName);
    }

    private void RevokeHere(string userName)
    {
        CancellationTokenSource[] open;
        lock (_gate)
        {
            open = _open.TryGetValue(userName, out var set) ? [.. set] : [];
        }

        foreach (var cancel in open)
        {
            try
            {
                cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It ended on its own meanwhile.
            }
        }
    }

    private void Close(string userName, CancellationTokenSource cancel)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(userName, out var set) && set.Remove(cancel) && set.Count == 0)
            {
                _open.Remove(userName);
            }
        }

        cancel.Dispose();
    }

    /// <summary>One open connection: <see cref="Revoked"/> fires when its account changes.</summary>
    public sealed class Connection : IDisposable
    {
        private readonly AccountSessions _owner;
        private readonly string _userName;
        private readonly CancellationTokenSource _cancel;
        private int _disposed;

        internal Connection(AccountSessions owner, string userName, CancellationTokenSource cancel)
        {
            _owner = owner;
            _userName = userName;
            _cancel = cancel;
            Revoked = cancel.Token;
        }

        public CancellationToken Revoked { get; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner.Close(_userName, _cancel);
            }
        }
    }
}
