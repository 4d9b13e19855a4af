using System.Text.Json.Serialization;
using Iot.Protocol.Json;

namespace Iot.Protocol.Identifiers;

/// <summary>Identifies an edge agent (one Raspberry Pi), unique within its site, e.g. <c>yikang-12-a</c>. See <see cref="IdentifierRules"/>.</summary>
[JsonConverter(typeof(IdentifierJsonConverter<AgentId>))]
public readonly record struct AgentId : IIdentifier<AgentId>
{
    private readonly string? _value;

    private AgentId(string value) => _value = value;

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    public static bool TryParse(string? text, out AgentId id, out string? problem)
    {
        problem = IdentifierRules.SlugProblem(text, "agent id");
        id = problem is null ? new AgentId(text!) : default;
        return problem is null;
    }

    /// <summary>Parses <paramref name="s"/> as a web route or query value binds it; the provider is not used.</summary>
    public static bool TryParse(string? s, IFormatProvider? provider, out AgentId result) => TryParse(s, out result, out _);

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the problem.</summary>
    public static AgentId Parse(string text) => Identifier.Parse<AgentId>(text);

    /// <inheritdoc />
    public override string ToString() => Value;
}
