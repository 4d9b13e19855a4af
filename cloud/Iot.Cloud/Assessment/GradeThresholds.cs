namespace Iot.Cloud.Assessment;

/// <summary>
/// The street office's thresholds for the grades, and how long a rectification notice runs. One row; the defaults
/// hold until the street office sets its own. Every change is audited with the old and new values.
/// </summary>
public sealed class GradeThresholds
{
    /// <summary>The one row's key.</summary>
    public const int Current = 1;

    public int Id { get; set; } = Current;

    /// <summary>At least this score is 优秀 (Excellent).</summary>
    public double Excellent { get; set; } = 90;

    /// <summary>At least this score is 合格 (Satisfactory).</summary>
    public double Satisfactory { get; set; } = 75;

    /// <summary>At least this score is 需整改 (Needs rectification); below it 不合格 (Unsatisfactory).</summary>
    public double NeedsRectification { get; set; } = 60;

    /// <summary>Days a rectification notice gives the party before its deadline.</summary>
    public int NoticeDays { get; set; } = 30;

    public string? UpdatedBy { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public Grade GradeOf(double score) =>
        score >= Excellent ? Grade.Excellent : score >= Satisfactory ? Grade.Satisfactory : score >= NeedsRectification ? Grade.NeedsRectification : Grade.Unsatisfactory;

    /// <summary>What is wrong with these thresholds, by field; empty when they are usable.</summary>
    public IEnumerable<(string Field, string Problem)> Problems()
    {
        if (!(NeedsRectification is >= 0 and <= 100) || !(Satisfactory is >= 0 and <= 100) || !(Excellent is >= 0 and <= 100))
        {
            yield return ("thresholds", "each threshold is a score from 0 to 100");
        }
        else if (!(NeedsRectification < Satisfactory && Satisfactory < Excellent))
        {
            yield return ("thresholds", "needsRectification must be below satisfactory, and satisfactory below excellent");
        }

        if (NoticeDays is < 1 or > 180)
        {
            yield return ("noticeDays", "noticeDays is 1 to 180 days");
        }
    }
}
