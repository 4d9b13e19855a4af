namespace Iot.Cloud.Notifications;

/// <summary>
/// A message for a responsible party's webhook (a group-chat bot or an SMS gateway), kept until delivered or given
/// up on: the delivery log. Written in the same transaction as the change it reports, sent by
/// <see cref="WebhookDispatcher"/>, so a failing webhook never blocks the pipeline and nothing is lost on a restart.
/// </summary>
public sealed class Notification
{
    public long Id { get; set; }

    public required string PartyId { get; set; }

    /// <summary><c>alert.raised</c>, <c>alert.flapping</c>, <c>workOrder.created</c>, <c>workOrder.escalated</c>, ...</summary>
    public required string Kind { get; set; }

    /// <summary>The JSON body to post.</summary>
    public required string Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>Set when the dispatcher gave up after the last retry.</summary>
    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>The last attempt's outcome (HTTP status or error), for the delivery log.</summary>
    public string? LastResult { get; set; }
}
