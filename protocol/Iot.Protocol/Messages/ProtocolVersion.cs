using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Iot.Protocol.Messages;

/// <summary>
/// The protocol version a message was written for, <c>"major.minor"</c> on the wire. Readers accept any minor
/// version of the major they speak (minor versions only add optional fields) and refuse other majors.
/// </summary>
/// <param name="Major">Incremented for changes an old reader cannot understand.</param>
/// <param name="Minor">Incremented when optional fields are added.</param>
[JsonConverter(typeof(ProtocolVersionJsonConverter))]
public readonly record struct ProtocolVersion(int Major, int Minor)
{
    /// <summary>
    /// The version this library writes: 1.3 (a telemetry batch's <c>clock</c>, which places its boot; 1.2 added the cloud's
    /// stored watermark and the agent's outbox floors; 1.1 the <c>sensorFault</c> event and signed configs and commands).
    /// </summary>
    public static readonly ProtocolVersion Current = new(1, 3);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");

    /// <summary>Parses <c>"major.minor"</c>; on failure <paramref name="problem"/> says why.</summary>
    public static bool TryParse(string? text, out ProtocolVersion version, out string? problem)
    {
        version = default;
        var parts = text?.Split('.') ?? [];
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            problem = "must be a protocol version \"major.minor\", e.g. \"1.0\"";
            return false;
        }

        version = new ProtocolVersion(major, minor);
        problem = major == Current.Major
            ? null
            : $"unknown major protocol version {major}; this reader speaks {Current.Major}.x";
        return problem is null;
    }
}

/// <summary>Writes and reads <see cref="ProtocolVersion"/> as <c>"major.minor"</c>.</summary>
public sealed class ProtocolVersionJsonConverter : JsonConverter<ProtocolVersion>
{
    /// <inheritdoc />
    public override ProtocolVersion Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => reader.TokenType == JsonTokenType.String && ProtocolVersion.TryParse(reader.GetString(), out var v, out _)
            ? v
            : throw new JsonException("expected a protocol version such as \"1.0\"");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ProtocolVersion value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
