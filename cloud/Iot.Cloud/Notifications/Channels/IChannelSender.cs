namespace Iot.Cloud.Notifications.Channels;

/// <summary>Formats, signs and posts messages as one platform documents, and reads its answer into words.</summary>
public interface IChannelSender
{
    ChannelKind Kind { get; }

    /// <summary>Groups waiting messages into requests (a robot merges several into one to stay under its rate limit).</summary>
    IEnumerable<IReadOnlyList<Notification>> Batches(IReadOnlyList<Notification> waiting);

    /// <summary>Sends one batch as one request.</summary>
    Task<SendOutcome> SendAsync(HttpClient client, ChannelOptions channel, IReadOnlyList<Notification> batch, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>What the platform answered.</summary>
/// <param name="Delivered">Accepted.</param>
/// <param name="Answer">The answer in words, for the delivery log.</param>
/// <param name="Permanent">Retrying cannot mend it (bad signature, template not approved, robot removed).</param>
/// <param name="RetryAfter">The platform asked to wait (rate limited): the next try, and the channel's other messages, wait this long.</param>
public sealed record SendOutcome(bool Delivered, string Answer, bool Permanent = false, TimeSpan? RetryAfter = null)
{
    public static SendOutcome Ok(string answer) => new(true, answer);
}
