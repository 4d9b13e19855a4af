using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Iot.Protocol.Json;

/// <summary>
/// Times on the wire are ISO 8601 in UTC with a trailing <c>Z</c> and millisecond precision,
/// e.g. <c>2026-11-29T13:05:09.123Z</c>, whatever offset the value carried in memory.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>The exact format written.</summary>
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("expected an ISO 8601 UTC string");
        }

        return TryParse(reader.GetString(), out var value, out var problem) ? value : throw new JsonException(problem);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture));
    }

    /// <summary>Formats <paramref name="value"/> as the wire does.</summary>
    public static string ToWire(DateTimeOffset value) => value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>
    /// Accepts ISO 8601 date-times that end in <c>Z</c> (any fraction of a second). Anything else, including
    /// local times and offsets, is refused with a reason: the protocol speaks UTC only.
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset value, out string? problem)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > 40 || !text.EndsWith('Z') || text.IndexOf('T', StringComparison.Ordinal) != 10)
        {
            problem = "must be an ISO 8601 UTC time such as 2026-11-29T13:05:09.123Z";
            return false;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value))
        {
            problem = "is not a valid ISO 8601 UTC time";
            return false;
        }

        problem = null;
        return true;
    }
}
