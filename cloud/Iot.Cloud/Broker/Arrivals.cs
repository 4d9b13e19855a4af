namespace Iot.Cloud.Broker;

/// <summary>A message from an agent as the cloud's MQTT client received it, with the acknowledgement the broker waits for.</summary>
/// <param name="Topic">The topic it came on.</param>
/// <param name="Payload">Its bytes.</param>
/// <param name="Retained">Whether the broker delivered it as retained.</param>
/// <param name="ReceivedAt">When the client received it.</param>
/// <param name="Acknowledge">Tells the broker it is stored; until then the broker keeps it for redelivery.</param>
/// <param name="Latest">The latest real time, when the cloud's clock runs behind it on purpose (<see cref="Operations.LaggingClock"/>).</param>
public sealed record ArrivedMessage(string Topic, byte[] Payload, bool Retained, DateTimeOffset ReceivedAt, Func<CancellationToken, ValueTask> Acknowledge, DateTimeOffset? Latest = null);

/// <summary>
/// Where the MQTT client hands what arrives (ingest implements it). Accepting waits while the receiver is full, which
/// holds up the client and, with manual acknowledgement and a receive maximum, the broker.
/// </summary>
public interface IArrivals
{
    /// <summary>Takes a message, waiting while the receiver is full.</summary>
    ValueTask AcceptAsync(ArrivedMessage message, CancellationToken cancellationToken);
}
