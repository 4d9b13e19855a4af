using System.Text.Json.Serialization;
using Iot.Protocol.Json;

namespace Iot.Protocol.Identifiers;

/// <summary>Identifies a block (街区) of a community, e.g. <c>yikang-east</c>. See <see cref="IdentifierRules"/>.</summary>
[JsonConverter(typeof(IdentifierJsonConverter<BlockId>))]
public readonly record struct BlockId : IIdentifier<BlockId>
{
    private readonly string? _value;

    private BlockId(string value) => _value = value;

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    public static bool TryParse(string? text, out BlockId id, out string? problem)
    {
        problem = IdentifierRules.SlugProblem(text, "block id");
        id = problem is null ? new BlockId(text!) : default;
        return problem is null;
    }

    /// <summary>Parses <paramref name="s"/> as a web route or query value binds it; the provider is not used.</summary>
    public static bool TryParse(string? s, IFormatProvider? provider, out BlockId result) => TryParse(s, out result, out _);

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the problem.</summary>
    public static BlockId Parse(string text) => Identifier.Parse<BlockId>(text);

    /// <inheritdoc />
    public override string ToString() => Value;
}
