using System.Threading.Channels;

namespace Iot.Cloud.Notifications;

/// <summary>One connected console's place on the <see cref="LiveFeed"/>: its queue of changes, until disposed.</summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly Action _leave;
    private int _disposed;

    internal LiveSubscription(ChannelReader<LiveEvent> changes, Action leave)
    {
        Changes = changes;
        _leave = leave;
    }

    /// <summary>The changes published since the subscription was made, oldest first (the oldest are dropped when it lags).</summary>
    public ChannelReader<LiveEvent> Changes { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _leave();
        }
    }
}
