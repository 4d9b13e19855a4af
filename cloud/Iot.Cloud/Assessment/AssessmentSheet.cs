namespace Iot.Cloud.Assessment;

/// <summary>
/// One party's monthly assessment (考核表): the record's figures for a calendar month in the site's zone, the
/// committee's score and remarks, and the grade. Computing again refreshes the figures until the committee signs it
/// off; from then on it is fixed. One per party and month.
/// </summary>
public sealed class AssessmentSheet
{
    public long Id { get; set; }

    public required string PartyId { get; set; }

    /// <summary>The first day of the month, in the site's calendar.</summary>
    public DateOnly Month { get; set; }

    /// <summary>Work orders made or reopened in the month (cancelled ones left out), and of those acknowledged and confirmed fixed.</summary>
    public int Raised { get; set; }

    public int Acknowledged { get; set; }

    public int Fixed { get; set; }

    public double? MedianAckMinutes { get; set; }

    public double? MedianFixMinutes { get; set; }

    /// <summary>Orders acknowledged or fixed after their service level's due time, and their share of those raised.</summary>
    public int Overdue { get; set; }

    public double OverdueShare { get; set; }

    public int Reopened { get; set; }

    public double ReopenRate { get; set; }

    /// <summary>Ratings of the month's repairs by the community and residents, and their average (1 to 5).</summary>
    public int Ratings { get; set; }

    public double? AverageRating { get; set; }

    /// <summary>Faults residents reported in the month.</summary>
    public int ResidentReports { get; set; }

    /// <summary>Complaints: a resident saying the fault they reported is still there (还没修好) in the month.</summary>
    public int Complaints { get; set; }

    /// <summary>Patrol figures; null where the patrol feature gave none.</summary>
    public int? RoundsDue { get; set; }

    public int? RoundsDone { get; set; }

    public int? RoundsMissed { get; set; }

    public int? FindingsRaised { get; set; }

    public int? FindingsFixed { get; set; }

    /// <summary>Points from the record, out of <see cref="AssessmentRules.RecordPoints"/>.</summary>
    public double RecordScore { get; set; }

    /// <summary>The committee's own score, 0 to 100; null until it gives one.</summary>
    public int? CommitteeScore { get; set; }

    public string? Remarks { get; set; }

    /// <summary>The score out of 100 and its grade (provisional until signed).</summary>
    public double Score { get; set; }

    public Grade Grade { get; set; }

    public DateTimeOffset ComputedAt { get; set; }

    public DateTimeOffset? SignedAt { get; set; }

    public string? SignedBy { get; set; }

    public bool IsSigned => SignedAt is not null;

    /// <summary>Concurrency token: a sign-off and a refresh at once do not both win.</summary>
    public int Version { get; set; }
}
