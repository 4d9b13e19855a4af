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
    /// Accepts ISO 8601 UTC date-times <c>yyyy-MM-ddTHH:mm:ss[.f…]Z</c> (one to seven fraction digits).
    /// Anything else, including local times and offsets, is refused with a reason: the protocol speaks UTC only.
    /// Parsed by hand: this runs for every reading on the ingest hot path.
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset value, out string? problem)
    {
        value = default;
        problem = "must be an ISO 8601 UTC time such as 2026-11-29T13:05:09.123Z";
        if (text is null || text.Length < 20 || text.Length > 28 || text[^1] != 'Z'
            || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second))
        {
            return false;
        }

        long ticks = 0;
        if (text.Length > 20)
        {
            var digits = text.Length - 21;
            if (text[19] != '.' || digits is < 1 or > 7 || !Digits(text, 20, digits, out var fraction))
            {
                return false;
            }

            ticks = fraction * TicksPerFractionDigit[digits];
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            problem = "is not a valid ISO 8601 UTC time";
            return false;
        }

        value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks));
        problem = null;
        return true;
    }

    private static readonly long[] TicksPerFractionDigit = [0, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

    private static bool Digits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = text[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
