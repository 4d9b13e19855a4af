using System.Text.Json.Serialization;
using Iot.Cloud.Kernel;
using Iot.Protocol.Messages;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.Patrols;

/// <summary>How often each courtyard of a plan is to be walked.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<PatrolFrequency>))]
public enum PatrolFrequency
{
    /// <summary>Once each day (Kunming time).</summary>
    Daily,

    /// <summary>Once each week, Monday to Sunday (Kunming time).</summary>
    Weekly,
}

/// <summary>
/// A block's patrol plan (街区巡查): which of its courtyards are walked, how often, and what is checked. One per block,
/// kept by the residents' committee (or the street office). Rounds are due from <see cref="Since"/>.
/// </summary>
public sealed class PatrolPlan
{
    public long Id { get; set; }

    public required string BlockId { get; set; }

    public required string CommunityId { get; set; }

    public PatrolFrequency Frequency { get; set; }

    /// <summary>The courtyards walked, in the order of the round.</summary>
    public List<CourtyardId> Courtyards { get; set; } = [];

    /// <summary>The checklist: keys of <see cref="PatrolItems"/>.</summary>
    public List<string> Items { get; set; } = [];

    /// <summary>When the plan was first made: rounds are due from the first whole period after it.</summary>
    public DateTimeOffset Since { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    public int Version { get; set; }
}

/// <summary>One walk through one courtyard with the plan's checklist, as the patroller sent it (maybe hours later, from a phone's queue).</summary>
public sealed class PatrolRound
{
    public long Id { get; set; }

    /// <summary>The key the phone gave the round: a resend finds this round instead of making another.</summary>
    public required string Key { get; set; }

    public required CourtyardId CourtyardId { get; set; }

    public required string BlockId { get; set; }

    public required string CommunityId { get; set; }

    /// <summary>The party that answered for the courtyard when it was walked (the record counts its rounds per party).</summary>
    public required string PartyId { get; set; }

    /// <summary>The account that walked it.</summary>
    public required string By { get; set; }

    public StaffRole ByRole { get; set; }

    /// <summary>The walker's volunteer team, for the community's recognition.</summary>
    public long? TeamId { get; set; }

    /// <summary>When it was walked (the phone's clock, no later than received and at most two days before).</summary>
    public DateTimeOffset WalkedAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>Items that failed (findings).</summary>
    public int Failed { get; set; }

    public List<PatrolCheck> Checks { get; set; } = [];
}

/// <summary>One checklist item of a round: fine, or a finding with its note and the work order it went to.</summary>
public sealed class PatrolCheck
{
    public long Id { get; set; }

    public long RoundId { get; set; }

    public required string Item { get; set; }

    public bool Ok { get; set; }

    public string? Note { get; set; }

    public long? WorkOrderId { get; set; }
}
