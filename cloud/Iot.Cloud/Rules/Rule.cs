using Iot.Cloud.Kernel;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Cloud.Rules;

/// <summary>
/// A rule as stored: data, versioned, editable through the API. A rule applies to one kind of device (or to agents)
/// in the whole site, and may be overridden for a block or a courtyard by a rule with the same key and a narrower
/// scope. Editing writes a new version and marks the old one superseded, so history shows which version raised what.
/// </summary>
public sealed class Rule
{
    public long Id { get; set; }

    /// <summary>A stable slug, e.g. <c>lamp-dark-at-night</c>.</summary>
    public required string Key { get; set; }

    public int Version { get; set; }

    /// <summary><c>site</c>, <c>block:{id}</c> or <c>courtyard:{id}</c>.</summary>
    public required string Scope { get; set; }

    /// <summary>Name shown to people, in Chinese.</summary>
    public required string Name { get; set; }

    public RuleKind Kind { get; set; }

    /// <summary><c>streetlight</c>, <c>gate</c>, <c>drain</c>, <c>charger</c> or <c>agent</c>.</summary>
    public required string Target { get; set; }

    /// <summary>
    /// What is broken when the rule raises, e.g. <c>lamp-out</c>. Rules that detect the same fault in different ways
    /// (the agent's burnt-out event, the cloud's dark-at-night check) share it, so they make one work order, not two.
    /// </summary>
    public required string Fault { get; set; }

    public Severity Severity { get; set; }

    private string _parametersJson = "{}";
    private RuleParameters? _parameters;

    public required string ParametersJson
    {
        get => _parametersJson;
        set
        {
            _parametersJson = value;
            _parameters = null;
        }
    }

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    /// <summary>When a newer version replaced this one; null for the version in force.</summary>
    public DateTimeOffset? SupersededAt { get; set; }

    /// <summary>The parsed parameters (parsed once: rules are read on every reading and every tick).</summary>
    public RuleParameters Parameters => _parameters ??= RuleParameters.FromJson(ParametersJson);

    /// <summary>
    /// Whether the rule says a lamp gives no light at night, read from its definition rather than from the fault's
    /// name: a night-time rule on a streetlight's current, or one raised by the lamp's own burnt-out event. Its alerts
    /// are the dark periods of the lamp figures, and a repair of its fault shows as the lamp drawing current at night.
    /// </summary>
    public bool SaysLampIsDark =>
        Target == WireNames.Of(DeviceKind.Streetlight) && Kind switch
        {
            RuleKind.TimeOfDay => Parameters is { When: "night", Signal: "current" } && RaisesOnLowValues,
            RuleKind.EdgeEvent => Parameters.RaiseOn?.Contains(WireNames.Of(EventKind.LampBurntOut)) == true,
            _ => false,
        };

    // Raised by a value falling: its own "below", or a device threshold of the low shape (burntOutCurrentA).
    private bool RaisesOnLowValues =>
        Parameters.Below is not null
        || (Parameters.Above is null && Parameters.Threshold is { } name
            && DeviceCatalog.ThresholdsOf(DeviceKind.Streetlight).Any(t => t.Name == name && t.Shape == ThresholdShape.Low));
}

/// <summary>The persisted state of one rule for one subject (an agent, a device, or a charger outlet).</summary>
public sealed class RuleStateRecord
{
    public required string RuleKey { get; set; }

    /// <summary><c>{agent}</c>, <c>{agent}/{device}</c> or <c>{agent}/{device}/o{outlet}</c>.</summary>
    public required string Subject { get; set; }

    public required string StateJson { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
