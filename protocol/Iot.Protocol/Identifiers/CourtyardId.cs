using System.Text.Json.Serialization;
using Iot.Protocol.Json;

namespace Iot.Protocol.Identifiers;

/// <summary>Identifies a courtyard (院坝), unique within its site, e.g. <c>yikang-12</c>. See <see cref="IdentifierRules"/>.</summary>
[JsonConverter(typeof(IdentifierJsonConverter<CourtyardId>))]
public readonly record struct CourtyardId : IIdentifier<CourtyardId>
{
    private readonly string? _value;

    private CourtyardId(string value) => _value = value;

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    public static bool TryParse(string? text, out CourtyardId id, out string? problem)
    {
        problem = IdentifierRules.SlugProblem(text, "courtyard id");
        id = problem is null ? new CourtyardId(text!) : default;
        return problem is null;
    }

    /// <summary>Parses <paramref name="s"/> as a web route or query value binds it; the provider is not used.</summary>
    public static bool TryParse(string? s, IFormatProvider? provider, out CourtyardId result) => TryParse(s, out result, out _);

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the problem.</summary>
    public static CourtyardId Parse(string text) => Identifier.Parse<CourtyardId>(text);

    /// <inheritdoc />
    public override string ToString() => Value;
}
