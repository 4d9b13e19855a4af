namespace Iot.Cloud.Ingest;

/// <summary>Tells the broker a stored batch's messages are stored (QoS 1), whichever lane stored them.</summary>
internal static partial class Acknowledgements
{
    /// <summary>Acknowledges every message of <paramref name="batch"/> that has an acknowledgement.</summary>
    public static async Task SendAsync(IReadOnlyList<IncomingMessage> batch, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var message in batch)
        {
            if (message.Acknowledge is { } ack)
            {
                try
                {
                    await ack(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Stored already: the connection it came on is gone (a broker restart) or it was acknowledged before.
                    // Failing the batch here would retry it forever; the broker redelivers it instead, and dedupe drops it.
                    LogAckFailed(logger, message.Topic, e.Message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored but could not acknowledge a message on {Topic}: {Reason}; the broker will redeliver it and it will be dropped as a duplicate")]
    private static partial void LogAckFailed(ILogger logger, string topic, string reason);
}
