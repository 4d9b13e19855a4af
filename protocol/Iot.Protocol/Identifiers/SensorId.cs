using System.Text.Json.Serialization;
using Iot.Protocol.Json;

namespace Iot.Protocol.Identifiers;

/// <summary>
/// Identifies one measured signal of a device: <c>{device}.{signal}</c>, e.g. <c>lamp-01.current</c> or
/// <c>charger-01.o2-temperature</c>. Both parts follow <see cref="IdentifierRules"/>.
/// </summary>
[JsonConverter(typeof(IdentifierJsonConverter<SensorId>))]
public readonly record struct SensorId : IIdentifier<SensorId>
{
    private readonly string? _value;

    private SensorId(string value, DeviceId device)
    {
        _value = value;
        Device = device;
    }

    /// <inheritdoc />
    public string Value => _value ?? string.Empty;

    /// <summary>The device this signal belongs to.</summary>
    public DeviceId Device { get; }

    /// <summary>The signal's name within its device (the part after the dot).</summary>
    public string Signal => Value[(Value.IndexOf('.', StringComparison.Ordinal) + 1)..];

    /// <summary>Builds the sensor id of <paramref name="signal"/> on <paramref name="device"/>.</summary>
    public static SensorId Of(DeviceId device, string signal) => Identifier.Parse<SensorId>($"{device.Value}.{signal}");

    /// <inheritdoc />
    public static bool TryParse(string? text, out SensorId id, out string? problem)
    {
        id = default;
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (text is null || dot < 0)
        {
            problem = $"sensor id '{IdentifierRules.Shorten(text ?? string.Empty)}' must be '{{device}}.{{signal}}', e.g. 'lamp-01.current'";
            return false;
        }

        if (!DeviceId.TryParse(text[..dot], out var device, out problem))
        {
            problem = $"sensor id: {problem}";
            return false;
        }

        problem = IdentifierRules.SlugProblem(text[(dot + 1)..], "sensor id signal");
        if (problem is not null)
        {
            return false;
        }

        id = new SensorId(text, device);
        return true;
    }

    /// <summary>Parses <paramref name="s"/> as a web route or query value binds it; the provider is not used.</summary>
    public static bool TryParse(string? s, IFormatProvider? provider, out SensorId result) => TryParse(s, out result, out _);

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the problem.</summary>
    public static SensorId Parse(string text) => Identifier.Parse<SensorId>(text);

    /// <inheritdoc />
    public override string ToString() => Value;
}
