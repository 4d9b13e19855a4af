using Iot.Cloud.Patrols;

namespace Iot.Cloud.Assessment;

/// <summary>Patrol rounds due, done and missed, and the problems they found and got fixed, in a period (<see cref="PatrolRecord"/>).</summary>
public sealed record PatrolTally(int RoundsDue, int RoundsDone, int RoundsMissed, int FindingsRaised, int FindingsFixed)
{
    /// <summary>A party's figures, or all zero (nothing to measure) when nothing was planned or walked in its courtyards.</summary>
    public static PatrolTally Of(PatrolFigures? figures) =>
        figures is null ? new(0, 0, 0, 0, 0) : new(figures.Due, figures.Done, figures.Missed, figures.Findings, figures.FindingsFixed);
}
