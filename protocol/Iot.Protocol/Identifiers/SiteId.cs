using System.Text.Json.Serialization;
using Iot.Protocol.Json;

namespace Iot.Protocol.Identifiers;

/// <summary>Identifies a street office's site, e.g. <c>yongchang</c>. See <see cref="IdentifierRules"/>.</summary>
[JsonConverter(typeof(IdentifierJsonConverter<SiteId>))]
public readonly record struct SiteId : IIdentifier<SiteId>
{
    private readonly string? _value;

    private SiteId(string value) => _value = value;

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    public static bool TryParse(string? text, out SiteId id, out string? problem)
    {
        problem = IdentifierRules.SlugProblem(text, "site id");
        id = problem is null ? new SiteId(text!) : default;
        return problem is null;
    }

    /// <summary>Parses <paramref name="s"/> as a web route or query value binds it; the provider is not used.</summary>
    public static bool TryParse(string? s, IFormatProvider? provider, out SiteId result) => TryParse(s, out result, out _);

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the problem.</summary>
    public static SiteId Parse(string text) => Identifier.Parse<SiteId>(text);

    /// <inheritdoc />
    public override string ToString() => Value;
}
