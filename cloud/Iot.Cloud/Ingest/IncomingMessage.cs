using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Protocol.Validation;

namespace Iot.Cloud.Ingest;

/// <summary>A message as it arrived from the broker, with the means to acknowledge it once stored.</summary>
/// <param name="Topic">The topic it arrived on.</param>
/// <param name="Payload">Its payload.</param>
/// <param name="Retained">Delivered from the broker's retained store (old news) rather than live.</param>
/// <param name="ReceivedAt">Arrival time, cloud clock.</param>
/// <param name="Acknowledge">Sends the QoS 1 acknowledgement; null when there is nothing to acknowledge.</param>
/// <param name="Latest">The latest real time, for "not in the future": the arrival time unless the cloud's clock runs
/// behind on purpose (<see cref="Operations.LaggingClock"/>).</param>
public sealed record IncomingMessage(string Topic, byte[] Payload, bool Retained, DateTimeOffset ReceivedAt, Func<CancellationToken, ValueTask>? Acknowledge, DateTimeOffset? Latest = null)
{
    /// <summary>
    /// The topic and payload checks, done on the receiving thread as the message arrives so that they overlap with
    /// the processor storing the previous batch (two stages, two cores).
    /// </summary>
    public MessageCheck Check { get; init; } = MessageCheck.Of(Topic, Payload, Latest ?? ReceivedAt);
}

/// <summary>The parsed topic and message, or why either was refused.</summary>
/// <param name="Topic">The topic, when it parsed.</param>
/// <param name="Message">The message, when it was valid.</param>
/// <param name="Problem">Why it was refused.</param>
public sealed record MessageCheck(AgentTopic? Topic, IUplinkMessage? Message, string? Problem)
{
    /// <summary>Parses and validates with the protocol library.</summary>
    public static MessageCheck Of(string topic, byte[] payload, DateTimeOffset now)
    {
        if (!AgentTopic.TryParse(topic, out var parsed, out var topicProblem))
        {
            return new MessageCheck(null, null, topicProblem);
        }

        var read = MessageReader.ReadUplink(parsed, payload, now);
        return new MessageCheck(parsed, read.Message, read.IsValid ? null : read.Summary);
    }
}
