using Iot.Cloud.Kernel;
using Iot.Cloud.Notifications.Channels;

namespace Iot.Cloud.Notifications;

/// <summary>
/// One outbound message to one channel (a party's webhook, group robot or SMS), kept until delivered or given up on:
/// the outbox and the delivery log in one table. Written in the same transaction as the change it reports, sent by
/// <see cref="WebhookDispatcher"/>, so a failing channel never blocks the pipeline and nothing is lost on a restart.
/// </summary>
public sealed class Notification
{
    public long Id { get; set; }

    /// <summary>Sent with the message (header or body) so a receiver can drop a repeat: the idempotency key.</summary>
    public Guid MessageId { get; set; }

    public required string PartyId { get; set; }

    /// <summary>The configured channel's name (<c>Webhooks:Channels:NAME</c>); each channel is its own queue.</summary>
    public required string Channel { get; set; }

    public ChannelKind ChannelKind { get; set; }

    /// <summary>Who it reaches: mobiles mentioned or texted, or the webhook's host, for the delivery log.</summary>
    public string? Recipient { get; set; }

    /// <summary><c>alert.raised</c>, <c>alert.flapping</c>, <c>alert.recovered</c>, <c>workOrder.created</c>, ...</summary>
    public required string Kind { get; set; }

    public Severity Severity { get; set; }

    public long? AlertId { get; set; }

    public long? WorkOrderId { get; set; }

    /// <summary>The JSON body of the generic webhook.</summary>
    public required string Body { get; set; }

    /// <summary>The message as people read it (markdown, Chinese), for robots and SMS.</summary>
    public required string Text { get; set; }

    /// <summary>The SMS template's parameters (JSON object), when the channel texts.</summary>
    public string? TemplateParams { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The instance sending it now; with <see cref="LeasedUntil"/>, keeps two instances from sending it twice.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeasedUntil { get; set; }

    /// <summary>When the platform accepted it (sent at).</summary>
    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>Set when the dispatcher gave up (after the last retry, or an answer that retrying cannot mend).</summary>
    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>The platform's last answer in words (HTTP status, its error code and message), for the delivery log.</summary>
    public string? LastResult { get; set; }
}
