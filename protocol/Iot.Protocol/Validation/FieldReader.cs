using System.Globalization;
using System.Text.Json;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;

namespace Iot.Protocol.Validation;

/// <summary>
/// Reads typed fields out of a JSON object and records a <see cref="Problem"/> for each one that is missing,
/// of the wrong type or out of bounds, then carries on, so that a message's problems are all found at once.
/// </summary>
internal sealed class FieldReader(DateTimeOffset now)
{
    public List<Problem> Problems { get; } = [];

    public void Add(string path, string reason) => Problems.Add(new Problem(path, reason));

    public bool IsObject(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        Add(path, $"must be a JSON object, found {Describe(element)}");
        return false;
    }

    public string? Text(JsonElement obj, string path, string name, bool required, int maxLength = MessageLimits.MaxTextLength)
    {
        if (!TryGet(obj, path, name, required, JsonValueKind.String, "a string", out var value))
        {
            return null;
        }

        var text = value.GetString()!;
        if (text.Length > maxLength)
        {
            Add(Join(path, name), $"is {text.Length} characters long; at most {maxLength} are allowed");
            return null;
        }

        return text;
    }

    public long? Integer(JsonElement obj, string path, string name, bool required, long min, long max)
    {
        if (!TryGet(obj, path, name, required, JsonValueKind.Number, "a number", out var value))
        {
            return null;
        }

        if (!value.TryGetInt64(out var n))
        {
            Add(Join(path, name), $"must be a whole number, found {Raw(value)}");
            return null;
        }

        if (n < min || n > max)
        {
            Add(Join(path, name), string.Create(CultureInfo.InvariantCulture, $"{n} is out of range ({min} to {max})"));
            return null;
        }

        return n;
    }

    public double? Number(JsonElement obj, string path, string name, bool required)
    {
        if (!TryGet(obj, path, name, required, JsonValueKind.Number, "a number", out var value))
        {
            return null;
        }

        if (!value.TryGetDouble(out var d) || !double.IsFinite(d))
        {
            Add(Join(path, name), $"must be a finite number, found {Raw(value)}");
            return null;
        }

        return d;
    }

    public bool? Bool(JsonElement obj, string path, string name, bool required)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Add(Join(path, name), "is required");
            }

            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Add(Join(path, name), $"must be true or false, found {Describe(value)}");
        return null;
    }

    public T? Id<T>(JsonElement obj, string path, string name, bool required)
        where T : struct, IIdentifier<T>
    {
        var text = Text(obj, path, name, required, maxLength: 200);
        if (text is null)
        {
            return null;
        }

        if (T.TryParse(text, out var id, out var problem))
        {
            return id;
        }

        Add(Join(path, name), problem!);
        return null;
    }

    public T? Enum<T>(JsonElement obj, string path, string name, bool required)
        where T : struct, Enum
    {
        var text = Text(obj, path, name, required, maxLength: 64);
        if (text is null)
        {
            return null;
        }

        if (WireNames.TryParse<T>(text, out var value))
        {
            return value;
        }

        Add(Join(path, name), $"unknown {Describe<T>()} '{IdentifierRules.Shorten(text)}'; known: {string.Join(", ", WireNames.All<T>())}");
        return null;
    }

    /// <summary>A UTC time stamp, refused before 2020 and more than five minutes ahead of the reader's clock.</summary>
    public DateTimeOffset? Time(JsonElement obj, string path, string name, bool required)
    {
        var text = Text(obj, path, name, required, maxLength: 40);
        if (text is null)
        {
            return null;
        }

        if (!UtcTimestampConverter.TryParse(text, out var at, out var problem))
        {
            Add(Join(path, name), problem!);
            return null;
        }

        if (at < MessageLimits.EarliestTime)
        {
            Add(Join(path, name), $"{text} is before 2020: the device's clock is not set");
            return null;
        }

        if (at > now + MessageLimits.MaxFutureSkew)
        {
            Add(Join(path, name), $"{text} is more than {MessageLimits.MaxFutureSkew.TotalMinutes} minutes in the future");
            return null;
        }

        return at;
    }

    /// <summary>Reads the <c>at</c>/<c>bootMs</c> pair, of which exactly one must be present.</summary>
    public (DateTimeOffset? At, long? BootMs) When(JsonElement obj, string path)
    {
        var hasAt = Present(obj, "at");
        var hasBootMs = Present(obj, "bootMs");
        if (hasAt == hasBootMs)
        {
            Add(path, hasAt
                ? "has both 'at' and 'bootMs'; give 'at' once the clock is synced, 'bootMs' before"
                : "needs a time: 'at' (UTC) once the clock is synced, or 'bootMs' (milliseconds since boot) before");
            return (null, null);
        }

        return hasAt
            ? (Time(obj, path, "at", required: true), null)
            : (null, Integer(obj, path, "bootMs", required: true, 0, MessageLimits.MaxBootMs));
    }

    public ProtocolVersion? Version(JsonElement obj, string path)
    {
        var text = Text(obj, path, "v", required: true, maxLength: 16);
        if (text is null)
        {
            return null;
        }

        if (ProtocolVersion.TryParse(text, out var version, out var problem))
        {
            return version;
        }

        Add(Join(path, "v"), problem!);
        return null;
    }

    /// <summary>Reads an array, each item with <paramref name="read"/>; null items are refused, not skipped.</summary>
    public List<T>? Array<T>(JsonElement obj, string path, string name, bool required, int min, int max, Func<JsonElement, string, T?> read)
        where T : class
    {
        if (!TryGet(obj, path, name, required, JsonValueKind.Array, "an array", out var array))
        {
            return null;
        }

        var length = array.GetArrayLength();
        if (length < min || length > max)
        {
            Add(Join(path, name), $"has {length} items; {min} to {max} are allowed");
            return null;
        }

        var items = new List<T>(length);
        var i = 0;
        foreach (var element in array.EnumerateArray())
        {
            if (read(element, $"{Join(path, name)}[{i++}]") is { } item)
            {
                items.Add(item);
            }
        }

        return items.Count == length ? items : null;
    }

    public static string Join(string path, string name) => $"{path}.{name}";

    private static bool Present(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private bool TryGet(JsonElement obj, string path, string name, bool required, JsonValueKind kind, string expected, out JsonElement value)
    {
        if (!obj.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Add(Join(path, name), "is required");
            }

            return false;
        }

        if (value.ValueKind != kind)
        {
            Add(Join(path, name), $"must be {expected}, found {Describe(value)}");
            return false;
        }

        return true;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{IdentifierRules.Shorten(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {Raw(value)}",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Raw(JsonElement value) => IdentifierRules.Shorten(value.GetRawText());

    // "EventKind" -> "event kind", for messages.
    private static string Describe<T>() =>
        string.Concat(typeof(T).Name.Select((c, i) => char.IsUpper(c) && i > 0 ? $" {char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));
}
