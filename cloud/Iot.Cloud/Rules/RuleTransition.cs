namespace Iot.Cloud.Rules;

/// <summary>How a rule's verdict on a subject changed.</summary>
public enum TransitionKind
{
    /// <summary>The condition is met: open (or re-open) the alert.</summary>
    Raised,

    /// <summary>Met again while already raised (another forced-gate event): count it on the open alert.</summary>
    Repeated,

    /// <summary>The condition is gone.</summary>
    Cleared,
}

/// <summary>A rule's verdict on a subject changing, with where and when.</summary>
public sealed record RuleTransition(
    Rule Rule,
    string Subject,
    string Agent,
    string? Device,
    int? Outlet,
    string Courtyard,
    TransitionKind Kind,
    DateTimeOffset At,
    double? Value);
