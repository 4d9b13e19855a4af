using System.Text.Json.Serialization;
using Iot.Protocol.Json;

namespace Iot.Protocol.Identifiers;

/// <summary>Identifies a community (社区) of a site, e.g. <c>yikang-road</c>. See <see cref="IdentifierRules"/>.</summary>
[JsonConverter(typeof(IdentifierJsonConverter<CommunityId>))]
public readonly record struct CommunityId : IIdentifier<CommunityId>
{
    private readonly string? _value;

    private CommunityId(string value) => _value = value;

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    public static bool TryParse(string? text, out CommunityId id, out string? problem)
    {
        problem = IdentifierRules.SlugProblem(text, "community id");
        id = problem is null ? new CommunityId(text!) : default;
        return problem is null;
    }

    /// <summary>Parses <paramref name="s"/> as a web route or query value binds it; the provider is not used.</summary>
    public static bool TryParse(string? s, IFormatProvider? provider, out CommunityId result) => TryParse(s, out result, out _);

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the problem.</summary>
    public static CommunityId Parse(string text) => Identifier.Parse<CommunityId>(text);

    /// <inheritdoc />
    public override string ToString() => Value;
}
