using System.Text.Json.Serialization;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Assessment;

/// <summary>
/// An exit review (退出评议) for the street office: whether a party that did not put things right keeps its
/// courtyards. Opened when a notice passes its deadline unclosed, or after three 不合格 months in a row; the street
/// office decides it.
/// </summary>
public sealed class ExitReview
{
    public long Id { get; set; }

    public required string PartyId { get; set; }

    public ExitReason Reason { get; set; }

    /// <summary>The notice that ran out, for <see cref="ExitReason.NoticeOverdue"/>.</summary>
    public long? NoticeId { get; set; }

    /// <summary>The month that completed three 不合格 in a row, for <see cref="ExitReason.ThreeUnsatisfactory"/>.</summary>
    public DateOnly? Month { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public ExitDecision? Decision { get; set; }

    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? Note { get; set; }

    public bool IsOpen => Decision is null;

    public int Version { get; set; }
}

[JsonConverter(typeof(CamelCaseEnumConverter<ExitReason>))]
public enum ExitReason
{
    /// <summary>A rectification notice was not closed by its deadline.</summary>
    NoticeOverdue,

    /// <summary>Three months in a row graded 不合格.</summary>
    ThreeUnsatisfactory,
}

/// <summary>The street office's decision.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<ExitDecision>))]
public enum ExitDecision
{
    /// <summary>The party stays, under watch.</summary>
    Stay,

    /// <summary>The party is to leave (勒令退出).</summary>
    Exit,
}
