using Iot.Protocol.Identifiers;

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
    AgentId Agent,
    DeviceId? Device,
    int? Outlet,
    CourtyardId Courtyard,
    TransitionKind Kind,
    DateTimeOffset At,
    double? Value);

/// <summary>
/// The event of one evaluation of the rules: what went into or out of alarm, in order, and whether the clock was
/// swept too (deadlines, auto-close). The alerts stage handles it in the same transaction.
/// </summary>
/// <param name="Transitions">Raises, repeats and clears, in the order they happened.</param>
/// <param name="Swept">Whether this evaluation was a tick of the clock, when every later stage sweeps its deadlines.</param>
public sealed record RulesEvaluated(IReadOnlyList<RuleTransition> Transitions, bool Swept);
