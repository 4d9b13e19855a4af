using System.Text.Json.Serialization;
using Iot.Protocol.Json;

namespace Iot.Protocol.Identifiers;

/// <summary>Identifies a command sent to an agent, e.g. a GUID in "N" format. See <see cref="IdentifierRules"/>.</summary>
[JsonConverter(typeof(IdentifierJsonConverter<CommandId>))]
public readonly record struct CommandId : IIdentifier<CommandId>
{
    private readonly string? _value;

    private CommandId(string value) => _value = value;

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    public static bool TryParse(string? text, out CommandId id, out string? problem)
    {
        problem = IdentifierRules.SlugProblem(text, "command id");
        id = problem is null ? new CommandId(text!) : default;
        return problem is null;
    }

    /// <summary>Parses <paramref name="s"/> as a web route or query value binds it; the provider is not used.</summary>
    public static bool TryParse(string? s, IFormatProvider? provider, out CommandId result) => TryParse(s, out result, out _);

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the problem.</summary>
    public static CommandId Parse(string text) => Identifier.Parse<CommandId>(text);

    /// <inheritdoc />
    public override string ToString() => Value;
}
