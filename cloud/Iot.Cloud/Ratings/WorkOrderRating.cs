namespace Iot.Cloud.Ratings;

/// <summary>
/// The community's verdict on one repair (1 to 5, with a remark): the evidence for the "red property" evaluation of
/// the company, next to the times in the supervision record. One per order and person; rating again replaces it.
/// </summary>
public sealed class WorkOrderRating
{
    public long Id { get; set; }

    public long WorkOrderId { get; set; }

    /// <summary>The party that did the work, kept so ratings group by company without a join.</summary>
    public required string PartyId { get; set; }

    public int Score { get; set; }

    public string? Remark { get; set; }

    public required string By { get; set; }

    public DateTimeOffset At { get; set; }
}
