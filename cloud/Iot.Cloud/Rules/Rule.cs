using Iot.Cloud.Kernel;

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
