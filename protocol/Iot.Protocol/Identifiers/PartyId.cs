using System.Text.Json.Serialization;
using Iot.Protocol.Json;

namespace Iot.Protocol.Identifiers;

/// <summary>Identifies a party responsible for courtyards (a property company, an owning unit or a residents' committee), e.g. <c>xinyu-property</c>. See <see cref="IdentifierRules"/>.</summary>
[JsonConverter(typeof(IdentifierJsonConverter<PartyId>))]
public readonly record struct PartyId : IIdentifier<PartyId>
{
    private readonly string? _value;

    private PartyId(string value) => _value = value;

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    public static bool TryParse(string? text, out PartyId id, out string? problem)
    {
        problem = IdentifierRules.SlugProblem(text, "party id");
        id = problem is null ? new PartyId(text!) : default;
        return problem is null;
    }

    /// <summary>Parses <paramref name="s"/> as a web route or query value binds it; the provider is not used.</summary>
    public static bool TryParse(string? s, IFormatProvider? provider, out PartyId result) => TryParse(s, out result, out _);

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the problem.</summary>
    public static PartyId Parse(string text) => Identifier.Parse<PartyId>(text);

    /// <inheritdoc />
    public override string ToString() => Value;
}
