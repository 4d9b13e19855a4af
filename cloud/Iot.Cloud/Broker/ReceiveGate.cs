using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Implementations;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Iot.Cloud.Broker;

/// <summary>
/// The cloud's own bound on the messages it holds unacknowledged on one connection: at the limit, the connection stops
/// reading from its socket until an acknowledgement goes out, so TCP backpressure holds the broker's further messages
/// in the broker (which queues them for the persistent session). The MQTT 5 receive maximum should do this, but
/// Mosquitto before 2.0.12 does not keep to it (eclipse/mosquitto#2306: each acknowledgement of the oldest message in
/// flight puts up to a receive maximum of queued messages in flight), and MQTTnet's client queues whatever it reads
/// without bound. Only QoS 1 and 2 messages count: they alone wait for an acknowledgement.
/// </summary>
public sealed class ReceiveGate(int limit)
{
    private readonly Lock _lock = new();
    private int _held;
    private TaskCompletionSource? _opened;

    /// <summary>Messages received on the connection and not yet acknowledged.</summary>
    public int Held
    {
        get
        {
            lock (_lock)
            {
                return _held;
            }
        }
    }

    /// <summary>True while the limit is held: the connection reads nothing, pings' answers included, until an acknowledgement goes out.</summary>
    public bool IsClosed => Held >= limit;

    /// <summary>Completes once fewer than the limit are held (at once if they are).</summary>
    public Task WaitOpenAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_held < limit)
            {
                return Task.CompletedTask;
            }

            _opened ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _opened.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A message that waits for an acknowledgement was received.</summary>
    public void Took()
    {
        lock (_lock)
        {
            _held++;
        }
    }

    /// <summary>A message taken was acknowledged (or its acknowledgement failed): it is no longer held.</summary>
    public void Released()
    {
        TaskCompletionSource? open = null;
        lock (_lock)
        {
            _held--;
            if (_held < limit)
            {
                (open, _opened) = (_opened, null);
            }
        }

        open?.TrySetResult();
    }
}

/// <summary>
/// MQTTnet's own adapter for each connection, with a <see cref="ReceiveGate"/> in front of its packet reads;
/// <see cref="Current"/> is the gate of the newest connection.
/// </summary>
public sealed class GatedClientAdapterFactory(Func<int> limit) : IMqttClientAdapterFactory
{
    private readonly MqttClientAdapterFactory _inner = new();
    private volatile ReceiveGate _current = new(limit());

    /// <summary>The gate of the connection made last (a message received is counted on it).</summary>
    public ReceiveGate Current => _current;

    public IMqttChannelAdapter CreateClientAdapter(MqttClientOptions options, MqttPacketInspector packetInspector, IMqttNetLogger logger)
    {
        // A new connection starts with nothing held: what the last one held and never acknowledged the broker sends again.
        var gate = new ReceiveGate(limit());
        _current = gate;
        return new GatedChannelAdapter(_inner.CreateClientAdapter(options, packetInspector, logger), gate);
    }

    private sealed class GatedChannelAdapter(IMqttChannelAdapter inner, ReceiveGate gate) : ForwardingChannelAdapter(inner)
    {
        public override async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
        {
            await gate.WaitOpenAsync(cancellationToken).ConfigureAwait(false);
            var packet = await Inner.ReceivePacketAsync(cancellationToken).ConfigureAwait(false);
            if (packet is MqttPublishPacket { QualityOfServiceLevel: not MqttQualityOfServiceLevel.AtMostOnce })
            {
                gate.Took();
            }

            return packet;
        }
    }
}
