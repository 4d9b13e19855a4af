using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Cloud.Rules;

/// <summary>One reason a rule cannot be stored: the field (a parameter's name for parameters), why, and both as the API says it.</summary>
public sealed record RuleProblem(string Field, string Why, string Text)
{
    public override string ToString() => Text;
}

/// <summary>Checks a rule before it is stored; each problem names the field.</summary>
public static class RuleValidator
{
    private static readonly string[] Targets = ["streetlight", "gate", "drain", "charger", "agent", "device"];

    private const double MaxSeconds = 30 * 86_400;

    private static IEnumerable<(string Field, double? Value)> Numbers(RuleParameters p) =>
    [
        ("above", p.Above), ("clearBelow", p.ClearBelow), ("below", p.Below), ("clearAbove", p.ClearAbove), ("forSeconds", p.ForSeconds),
        ("clearForSeconds", p.ClearForSeconds), ("marginMinutes", p.MarginMinutes), ("windowMinutes", p.WindowMinutes), ("autoClearMinutes", p.AutoClearMinutes),
        ("graceSeconds", p.GraceSeconds), ("missedSamples", p.MissedSamples), ("limit", p.Limit),
    ];

    public static IReadOnlyList<string> Problems(string key, string scope, string target, string fault, RuleKind kind, RuleParameters p) =>
        [.. Check(key, scope, target, fault, kind, p).Select(problem => problem.Text)];

    /// <summary>The problems with their fields, for a page that says them in its own words.</summary>
    public static IReadOnlyList<RuleProblem> Check(string key, string scope, string target, string fault, RuleKind kind, RuleParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var problems = new List<RuleProblem>();
        if (IdentifierRules.SlugProblem(key, "key") is { } keyProblem)
        {
            problems.Add(new("key", keyProblem, keyProblem));
        }

        if (IdentifierRules.SlugProblem(fault, "fault") is { } faultProblem)
        {
            problems.Add(new("fault", faultProblem, faultProblem));
        }

        if (scope != "site" && !(scope.StartsWith("block:", StringComparison.Ordinal) || scope.StartsWith("courtyard:", StringComparison.Ordinal)))
        {
            var text = $"scope '{scope}' must be 'site', 'block:{{id}}' or 'courtyard:{{id}}'";
            problems.Add(new("scope", text, text));
        }

        if (!Targets.Contains(target))
        {
            var text = $"target '{target}' must be one of {string.Join(", ", Targets)}";
            problems.Add(new("target", text, text));
        }

        void Need(bool ok, string field, string why)
        {
            if (!ok)
            {
                problems.Add(new(field, why, $"parameters.{field}: {why}"));
            }
        }

        var hasValues = p.Above is not null || p.Below is not null;
        switch (kind)
        {
            case RuleKind.Threshold or RuleKind.TimeOfDay or RuleKind.RateOfRise:
                Need(!string.IsNullOrEmpty(p.Signal), "signal", "is required (the sensor signal, e.g. current)");
                Need(hasValues || p.Threshold is not null, "threshold", "give a manifest threshold name, or above/clearBelow (or below/clearAbove)");
                Need(p.Above is null || p.ClearBelow is null || p.ClearBelow <= p.Above, "clearBelow", "must not exceed above (inverted threshold)");
                Need(p.Below is null || p.ClearAbove is null || p.ClearAbove >= p.Below, "clearAbove", "must not be under below (inverted threshold)");
                Need(p.Above is null || p.Below is null, "above", "give either above or below, not both");
                if (p.Threshold is { } name && target is "streetlight" or "gate" or "drain" or "charger")
                {
                    var kindOf = WireNames.TryParse<DeviceKind>(target, out var dk) ? dk : DeviceKind.Streetlight;
                    Need(DeviceCatalog.ThresholdsOf(kindOf).Any(t => t.Name == name), "threshold", $"'{name}' is not a threshold of a {target}");
                }

                if (kind == RuleKind.TimeOfDay)
                {
                    Need(p.When is "night" or "day", "when", "must be 'night' or 'day'");
                }

                if (kind == RuleKind.RateOfRise)
                {
                    Need(p.WindowMinutes is > 0 and <= 240, "windowMinutes", "must be between 0 and 240");
                }

                break;
            case RuleKind.EdgeEvent:
                Need(p.RaiseOn is { Count: > 0 }, "raiseOn", "needs at least one event kind");
                foreach (var e in (p.RaiseOn ?? []).Concat(p.ClearOn ?? []))
                {
                    Need(WireNames.TryParse<EventKind>(e, out _), "raiseOn", $"'{e}' is not an event kind; known: {string.Join(", ", WireNames.All<EventKind>())}");
                }

                break;
            case RuleKind.Offline:
                Need(p.GraceSeconds is >= 0, "graceSeconds", "is required (0 or more)");
                break;
            case RuleKind.Stale:
                Need(p.MissedSamples is >= 1, "missedSamples", "is required (1 or more)");
                Need(p.GraceSeconds is null or >= 0, "graceSeconds", "must be 0 or more");
                break;
            case RuleKind.AgentHealth:
                Need(p.Health is "outboxDropping" or "diskLow" or "clockUnsynced" or "agentFlooding", "health", "must be outboxDropping, diskLow, clockUnsynced or agentFlooding");
                Need(p.Health is "outboxDropping" or "agentFlooding" || p.Limit is > 0, "limit", "is required for diskLow (bytes) and clockUnsynced (hours)");
                break;
        }

        Need(p.ForSeconds is null or (>= 0 and <= MaxSeconds), "forSeconds", "must be 0 to 30 days in seconds");
        Need(p.ClearForSeconds is null or (>= 0 and <= MaxSeconds), "clearForSeconds", "must be 0 to 30 days in seconds");
        Need(p.GraceSeconds is null or (>= 0 and <= MaxSeconds), "graceSeconds", "must be 0 to 30 days in seconds");
        Need(p.AutoClearMinutes is null or (> 0 and <= MaxSeconds / 60), "autoClearMinutes", "must be more than 0 and at most 30 days in minutes");
        Need(p.MarginMinutes is null or (>= -720 and <= 720), "marginMinutes", "must be between -720 and 720");
        Need(p.MissedSamples is null or <= 10_000, "missedSamples", "must be at most 10000");
        Need(p.Limit is null or (> 0 and <= 1e15), "limit", "must be more than 0 and at most 1e15");
        Need(p.Health != "clockUnsynced" || p.Limit is null or <= 24 * 365 * 10, "limit", "for clockUnsynced is hours, at most ten years");

        // The engine turns these into time spans and the rules table stores them as JSON: neither takes NaN or infinity.
        foreach (var (field, value) in Numbers(p))
        {
            Need(value is null || double.IsFinite(value.Value), field, "must be a finite number");
        }

        return problems;
    }
}
