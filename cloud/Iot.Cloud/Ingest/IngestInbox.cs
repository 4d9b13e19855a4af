using System.Threading.Channels;
using Iot.Cloud.Broker;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Ingest;

/// <summary>
/// The bounded hand-over between the MQTT client and the two processors. Valid device events (a forced gate, a charger
/// cut off) take the event lane, so an alarm never queues behind telemetry; everything else, garbage on an events
/// topic included, takes the telemetry lane. When a lane is full the client's message handler waits, and with manual
/// acknowledgement and a receive maximum the broker stops sending (the MQTT client stops reading at the receive maximum
/// itself, <see cref="ReceiveGate"/>, should the broker not keep to it): the pipeline is backpressured end to end, never
/// an unbounded queue.
/// </summary>
public sealed class IngestInbox(IOptions<IngestOptions> options) : IArrivals
{
    private readonly Channel<IncomingMessage> _telemetry = Channel.CreateBounded<IncomingMessage>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Channel<IncomingMessage> _events = Channel.CreateBounded<IncomingMessage>(
        new BoundedChannelOptions(options.Value.EventQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Messages waiting, both lanes.</summary>
    public int Count => _telemetry.Reader.Count + _events.Reader.Count;

    /// <summary>The telemetry processor's end: telemetry, statuses, command results and anything refused on sight.</summary>
    public ChannelReader<IncomingMessage> Reader => _telemetry.Reader;

    /// <summary>The event processor's end: valid device events only.</summary>
    public ChannelReader<IncomingMessage> Events => _events.Reader;

    /// <summary>Adds a message to its lane, waiting while that lane is full.</summary>
    public ValueTask EnqueueAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return (IsEvent(message) ? _events : _telemetry).Writer.WriteAsync(message, cancellationToken);
    }

    /// <summary>What the MQTT client receives: checked here, on its receiving thread, then queued.</summary>
    public ValueTask AcceptAsync(ArrivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return EnqueueAsync(new IncomingMessage(message.Topic, message.Payload, message.Retained, message.ReceivedAt, message.Acknowledge, message.Latest), cancellationToken);
    }

    // Only a valid event is an alarm: garbage on an events topic is dead-lettered with the telemetry, in its batches, so a
    // flood of it cannot cost the event lane a transaction per message.
    private static bool IsEvent(IncomingMessage message) => message.Check.Message is Iot.Protocol.Messages.DeviceEvent;
}
