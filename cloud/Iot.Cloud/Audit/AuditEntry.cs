namespace Iot.Cloud.Audit;

/// <summary>
/// One change made by a person or by the system: append-only, never updated or deleted. Every change to a work
/// order, every alert acknowledgement, every rule edit and every safety reset lands here.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>The person (account name) or <c>system</c>.</summary>
    public required string Actor { get; init; }

    /// <summary><c>workOrder</c>, <c>alert</c>, <c>rule</c>, <c>outlet</c>, <c>maintenance</c>.</summary>
    public required string Entity { get; init; }

    public required string EntityId { get; init; }

    /// <summary>What happened, e.g. <c>created</c>, <c>status:inProgress</c>, <c>assigned</c>, <c>escalated:1</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Details as text (old and new value, reason, comment).</summary>
    public string? Detail { get; init; }

    /// <summary>The longest detail kept; a longer one is cut (the change itself is never refused for it).</summary>
    public const int MaxDetail = 4000;

    /// <summary>The one way an entry is made: who (<paramref name="actor"/>) did what (<paramref name="action"/>) to which <paramref name="entity"/>, when.</summary>
    public static AuditEntry Of(DateTimeOffset at, string actor, string entity, string entityId, string action, string? detail = null) => new()
    {
        At = at, Actor = actor, Entity = entity, EntityId = entityId, Action = action,
        Detail = detail is { Length: > MaxDetail } ? detail[..MaxDetail] : detail,
    };
}
