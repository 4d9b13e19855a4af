using System.Text.Json.Serialization;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Assessment;

/// <summary>
/// A rectification notice (整改通知) to a party after two 需整改 months in a row or one 不合格: what to put right,
/// by when, and who answers for it (the party). The party answers each item; the committee closes the notice.
/// Not closed by its deadline, it opens an exit review for the street office.
/// </summary>
public sealed class RectificationNotice
{
    public long Id { get; set; }

    /// <summary>The party that must put things right (the notice's owner).</summary>
    public required string PartyId { get; set; }

    /// <summary>The signed sheet that opened it.</summary>
    public long SheetId { get; set; }

    public AssessmentSheet? Sheet { get; set; }

    public DateOnly Month { get; set; }

    public NoticeReason Reason { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public DateTimeOffset Deadline { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public string? ClosedBy { get; set; }

    public string? CloseNote { get; set; }

    public List<NoticeItem> Items { get; set; } = [];

    public bool IsOpen => ClosedAt is null;

    public int Version { get; set; }
}

/// <summary>Why a notice was opened.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<NoticeReason>))]
public enum NoticeReason
{
    /// <summary>Two months in a row graded 需整改.</summary>
    TwoNeedsRectification,

    /// <summary>A month graded 不合格.</summary>
    Unsatisfactory,
}

/// <summary>One thing to put right, and the party's answer.</summary>
public sealed class NoticeItem
{
    public long Id { get; set; }

    public long NoticeId { get; set; }

    public NoticeItemKind Kind { get; set; }

    /// <summary>The figures that call for it (<c>3 / 5</c>), or for <see cref="NoticeItemKind.Remarks"/> the committee's words.</summary>
    public required string Text { get; set; }

    public DateTimeOffset? DoneAt { get; set; }

    public string? DoneBy { get; set; }

    public string? Note { get; set; }
}

/// <summary>What a notice item asks for; the pages say it in their language around <see cref="NoticeItem.Text"/>.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<NoticeItemKind>))]
public enum NoticeItemKind
{
    /// <summary>Answer and fix within the service level (late orders / raised).</summary>
    Overdue,

    /// <summary>Repairs that hold (reopened orders / raised).</summary>
    Reopened,

    /// <summary>Residents' ratings (the average, out of 5).</summary>
    Ratings,

    /// <summary>Residents' complaints that a fault is still there.</summary>
    Complaints,

    /// <summary>Missed patrol rounds (missed / due).</summary>
    PatrolMissed,

    /// <summary>Patrol findings left unfixed (unfixed / raised).</summary>
    FindingsOpen,

    /// <summary>The committee's remarks.</summary>
    Remarks,
}
