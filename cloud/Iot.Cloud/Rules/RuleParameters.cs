using System.Text.Json;
using System.Text.Json.Serialization;

namespace Iot.Cloud.Rules;

/// <summary>
/// A rule's settings. One flat record so rules read and edit easily as JSON; which fields a rule uses depends on its
/// kind (see <see cref="RuleValidator"/>). Threshold values left out come from the device's manifest threshold named
/// in <see cref="Threshold"/>, so each device's own limits apply.
/// </summary>
public sealed record RuleParameters
{
    /// <summary>The sensor signal the rule watches, e.g. <c>current</c>, <c>level</c>, <c>temperature</c>.</summary>
    public string? Signal { get; init; }

    /// <summary>The device manifest threshold that supplies the values, e.g. <c>waterLevelCm</c>.</summary>
    public string? Threshold { get; init; }

    public double? Above { get; init; }

    public double? ClearBelow { get; init; }

    public double? Below { get; init; }

    public double? ClearAbove { get; init; }

    /// <summary>How long the raise condition must hold.</summary>
    public double? ForSeconds { get; init; }

    /// <summary>How long the clear condition must hold.</summary>
    public double? ClearForSeconds { get; init; }

    /// <summary>Time-of-day rules: <c>night</c> or <c>day</c>.</summary>
    public string? When { get; init; }

    /// <summary>Time-of-day rules: minutes after sunset and before sunrise left to dusk and dawn.</summary>
    public double? MarginMinutes { get; init; }

    /// <summary>Rate-of-rise rules: the trailing window of the slope.</summary>
    public double? WindowMinutes { get; init; }

    /// <summary>Edge-event rules: event kinds that raise.</summary>
    public IReadOnlyList<string>? RaiseOn { get; init; }

    /// <summary>Edge-event rules: event kinds that clear.</summary>
    public IReadOnlyList<string>? ClearOn { get; init; }

    /// <summary>Edge-event rules: clear by themselves after this long without a new raise event.</summary>
    public double? AutoClearMinutes { get; init; }

    /// <summary>
    /// Offline rules: how long an agent may be offline before it counts. Stale rules: the shortest silence that counts,
    /// whatever the sample interval (a sensor still settling after its agent starts is not a fault).
    /// </summary>
    public double? GraceSeconds { get; init; }

    /// <summary>Stale rules: how many sample intervals without a reading make a device stale.</summary>
    public double? MissedSamples { get; init; }

    /// <summary>Agent-health rules: <c>outboxDropping</c>, <c>diskLow</c>, <c>clockUnsynced</c> or <c>agentFlooding</c> (raised by ingest's per-agent message budget).</summary>
    public string? Health { get; init; }

    /// <summary>Agent-health rules: free bytes (diskLow) or hours since boot (clockUnsynced).</summary>
    public double? Limit { get; init; }

    /// <summary>JSON for the rules table and the API.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static RuleParameters FromJson(string json) => JsonSerializer.Deserialize<RuleParameters>(json, Json) ?? new RuleParameters();
}
