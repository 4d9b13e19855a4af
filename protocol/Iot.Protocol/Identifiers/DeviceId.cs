using System.Text.Json.Serialization;
using Iot.Protocol.Json;

namespace Iot.Protocol.Identifiers;

/// <summary>Identifies a device on one agent (a lamp, a gate, a drain, a charging station), e.g. <c>lamp-01</c>. See <see cref="IdentifierRules"/>.</summary>
[JsonConverter(typeof(IdentifierJsonConverter<DeviceId>))]
public readonly record struct DeviceId : IIdentifier<DeviceId>
{
    private readonly string? _value;

    private DeviceId(string value) => _value = value;

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <inheritdoc />
    public static bool TryParse(string? text, out DeviceId id, out string? problem)
    {
        problem = IdentifierRules.SlugProblem(text, "device id");
        id = problem is null ? new DeviceId(text!) : default;
        return problem is null;
    }

    /// <summary>Parses <paramref name="s"/> as a web route or query value binds it; the provider is not used.</summary>
    public static bool TryParse(string? s, IFormatProvider? provider, out DeviceId result) => TryParse(s, out result, out _);

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the problem.</summary>
    public static DeviceId Parse(string text) => Identifier.Parse<DeviceId>(text);

    /// <inheritdoc />
    public override string ToString() => Value;
}
