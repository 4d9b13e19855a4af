using System.Text.Json.Serialization;
using Iot.Protocol.Json;

namespace Iot.Protocol.Identifiers;

/// <summary>Identifies one run of an agent, chosen at random when it starts, e.g. <c>5f0c2a9e41d7b3c8</c>. See <see cref="IdentifierRules"/>.</summary>
[JsonConverter(typeof(IdentifierJsonConverter<BootId>))]
public readonly record struct BootId : IIdentifier<BootId>
{
    private readonly string? _value;

    private BootId(string value) => _value = value;

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    public static bool TryParse(string? text, out BootId id, out string? problem)
    {
        problem = IdentifierRules.SlugProblem(text, "boot id");
        id = problem is null ? new BootId(text!) : default;
        return problem is null;
    }

    /// <summary>Parses <paramref name="s"/> as a web route or query value binds it; the provider is not used.</summary>
    public static bool TryParse(string? s, IFormatProvider? provider, out BootId result) => TryParse(s, out result, out _);

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the problem.</summary>
    public static BootId Parse(string text) => Identifier.Parse<BootId>(text);

    /// <inheritdoc />
    public override string ToString() => Value;
}
