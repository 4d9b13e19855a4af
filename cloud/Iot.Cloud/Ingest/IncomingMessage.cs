namespace Iot.Cloud.Ingest;

/// <summary>A message as it arrived from the broker, with the means to acknowledge it once stored.</summary>
/// <param name="Topic">The topic it arrived on.</param>
/// <param name="Payload">Its payload.</param>
/// <param name="Retained">Delivered from the broker's retained store (old news) rather than live.</param>
/// <param name="ReceivedAt">Arrival time, cloud clock.</param>
/// <param name="Acknowledge">Sends the QoS 1 acknowledgement; null when there is nothing to acknowledge.</param>
public sealed record IncomingMessage(string Topic, byte[] Payload, bool Retained, DateTimeOffset ReceivedAt, Func<CancellationToken, ValueTask>? Acknowledge);
