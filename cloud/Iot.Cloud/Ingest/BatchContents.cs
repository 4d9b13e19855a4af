using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Ingest;

/// <summary>What one batch of either lane stores: its rows, and its counts.</summary>
internal sealed class BatchContents
{
    public List<StoredReading> Readings { get; } = [];

    public List<DeadLetter> DeadLetters { get; } = [];

    public List<DeviceEventRecord> Events { get; } = [];

    public List<CommandResultRecord> Results { get; } = [];

    public List<UnplacedReading> Unplaced { get; } = [];

    public List<(AgentStatus Status, DateTimeOffset ReceivedAt)> Statuses { get; } = [];

    public int Duplicates { get; set; }

    /// <summary>Messages refused, whether kept as a dead letter or only counted (over budget).</summary>
    public int Refused { get; set; }

    public void Summarize(FloodSummary summary, DateTimeOffset now, IngestOptions o) =>
        DeadLetters.Add(new DeadLetter
        {
            ReceivedAt = now,
            Topic = $"(over budget: {summary.Agent})",
            AgentId = summary.Agent,
            Reason = $"agent '{summary.Agent}' was flooding (over its message budget of {o.AgentMessagesPerSecond}/s, burst {o.AgentBurst}, or new boots or sensors beyond its limits): {summary.Refused} more messages " +
                $"refused between {summary.From:O} and {now:O} are counted here, not kept one by one (only the first {o.FloodDeadLettersPerMinute} a minute are)",
            Payload = [],
            PayloadBytes = 0,
        });

    public void DeadLetter(IncomingMessage message, AgentId? agent, string reason, int keepBytes)
    {
        Refused++;
        DeadLetters.Add(new DeadLetter
        {
            ReceivedAt = message.ReceivedAt,
            Topic = message.Topic.Length <= 512 ? message.Topic : message.Topic[..512],
            AgentId = agent,
            Reason = reason.Length <= 2000 ? reason : reason[..2000],
            // The payload as it arrived when it fits (it is never changed), else its first keepBytes.
            Payload = message.Payload.Length <= keepBytes ? message.Payload : message.Payload[..keepBytes],
            PayloadBytes = message.Payload.Length,
        });
    }
}
