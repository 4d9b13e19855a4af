using System.Threading.Channels;
using Iot.Cloud.Broker;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Ingest;

/// <summary>
/// The bounded hand-over between the MQTT client and the processor. When it is full the client's message
/// handler waits, and with manual acknowledgement and a receive maximum the broker stops sending: the pipeline
/// is backpressured end to end, never an unbounded queue.
/// </summary>
public sealed class IngestInbox(IOptions<IngestOptions> options) : IArrivals
{
    private readonly Channel<IncomingMessage> _channel = System.Threading.Channels.Channel.CreateBounded<IncomingMessage>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Messages waiting.</summary>
    public int Count => _channel.Reader.Count;

    /// <summary>The processor's end.</summary>
    public ChannelReader<IncomingMessage> Reader => _channel.Reader;

    /// <summary>Adds a message, waiting while the queue is full.</summary>
    public ValueTask EnqueueAsync(IncomingMessage message, CancellationToken cancellationToken) =>
        _channel.Writer.WriteAsync(message, cancellationToken);

    /// <summary>What the MQTT client receives: checked here, on its receiving thread, then queued.</summary>
    public ValueTask AcceptAsync(ArrivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return EnqueueAsync(new IncomingMessage(message.Topic, message.Payload, message.Retained, message.ReceivedAt, message.Acknowledge), cancellationToken);
    }
}
