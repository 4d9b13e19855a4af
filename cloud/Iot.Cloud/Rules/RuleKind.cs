using System.Text.Json.Serialization;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Rules;

/// <summary>The kinds of rule; each reads different inputs but all raise and clear through <see cref="ConditionTracker"/>.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<RuleKind>))]
public enum RuleKind
{
    /// <summary>A signal above (or below) a threshold for a time, cleared past a second threshold for a time.</summary>
    Threshold,

    /// <summary>A signal rising faster than a rate (least-squares slope over a trailing window).</summary>
    RateOfRise,

    /// <summary>A threshold that applies only at night or only by day (Kunming's sunset and sunrise).</summary>
    TimeOfDay,

    /// <summary>An agent offline (from its Last Will or shutdown status) for longer than a grace period.</summary>
    Offline,

    /// <summary>A device that has sent no reading for a number of its sample intervals.</summary>
    Stale,

    /// <summary>Raised and cleared by events the agent detected (gate forced, charger cut off, high water).</summary>
    EdgeEvent,

    /// <summary>The agent's own health: outbox dropping data, disk almost full, clock not synced for long.</summary>
    AgentHealth,
}
