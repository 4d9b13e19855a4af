using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Iot.Cloud.Tests.Security;

/// <summary>What a case must get back.</summary>
internal enum Expect
{
    /// <summary>Anything but a server error (the value is hostile but may be legal).</summary>
    NoServerError,

    /// <summary>A 4xx with a problem body; when the case names a field or parameter, the problem names it too.</summary>
    Refusal,
}

/// <summary>One request: which operation, what was done to it, and what must come back.</summary>
internal sealed record FuzzCase(ApiOperation Operation, string What, string Url, Func<HttpContent?> Content, Expect Expect, string? Names = null)
{
    public HttpMethod Method => new(Operation.Method);

    public override string ToString() => $"{Operation} [{What}]";
}

/// <summary>
/// Generates bounded, deterministic cases for one operation from its OpenAPI description, schemathesis-style: a valid
/// request is built from the schema (real ids from <paramref name="pathValues"/>, plausible values from
/// <paramref name="plausible"/>), then broken one part at a time.
/// </summary>
internal sealed class FuzzCases(ApiOperation operation, IReadOnlyDictionary<string, string> pathValues, IReadOnlyDictionary<string, JsonNode> plausible, int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>The key of a path parameter in <c>pathValues</c>: the segment before it and its name, e.g. <c>work-orders/{id}</c>.</summary>
    public static IEnumerable<string> PathKeys(ApiOperation operation)
    {
        var segments = operation.Path.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            if (segments[i].StartsWith('{'))
            {
                yield return $"{segments[i - 1]}/{segments[i]}";
            }
        }
    }

    public IEnumerable<FuzzCase> All() => PathCases().Concat(QueryCases()).Concat(BodyCases());

    private string Url(string? brokenParameter = null, string? brokenSegment = null, string? query = null)
    {
        var segments = operation.Path.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            if (segments[i].StartsWith('{'))
            {
                var name = segments[i].Trim('{', '}');
                segments[i] = name == brokenParameter ? brokenSegment! : Uri.EscapeDataString(pathValues[$"{segments[i - 1]}/{segments[i]}"]);
            }
        }

        return string.Join('/', segments) + (query is null ? string.Empty : "?" + query);
    }

    private HttpContent? ValidContent() => operation.Body switch
    {
        null => null,
        { ContentType: "multipart/form-data" } => Photo(Png(12), "photo", "photo.png", "image/png"),
        { Schema: var schema } => Json(ValidValue(schema, null)),
    };

    private IEnumerable<FuzzCase> PathCases()
    {
        foreach (var parameter in operation.Parameters.Where(p => p.In == "path"))
        {
            foreach (var (name, segment) in HostileValues.PathSegments())
            {
                yield return new(operation, $"path {parameter.Name}: {name}", Url(parameter.Name, segment), ValidContent, Expect.NoServerError);
            }
        }
    }

    private IEnumerable<FuzzCase> QueryCases()
    {
        foreach (var parameter in operation.Parameters.Where(p => p.In == "query"))
        {
            var escaped = Uri.EscapeDataString(parameter.Name);
            foreach (var (name, value) in HostileValues.QueryValues())
            {
                yield return new(operation, $"query {parameter.Name}: {name}", Url(query: $"{escaped}={Uri.EscapeDataString(value)}"), ValidContent, Expect.NoServerError);
            }

            yield return new(operation, $"query {parameter.Name}: repeated", Url(query: $"{escaped}=1&{escaped}=2"), ValidContent, Expect.NoServerError);
            foreach (var (name, value, refused) in TypedQueryValues(parameter.Schema))
            {
                yield return new(operation, $"query {parameter.Name}: {name}", Url(query: $"{escaped}={Uri.EscapeDataString(value)}"), ValidContent, refused ? Expect.Refusal : Expect.NoServerError, refused ? parameter.Name : null);
            }
        }
    }

    private static IEnumerable<(string Name, string Value, bool Refused)> TypedQueryValues(ApiSchema schema)
    {
        if (schema.Type is "integer" or "number")
        {
            yield return ("not a number", "abc", true);
            yield return ("negative", "-1", false);
            yield return ("zero", "0", false);
            yield return ("overflow", "99999999999999999999999", schema.Type == "integer");
            yield return ("NaN", "NaN", schema.Type == "integer");
            yield return ("infinity", "Infinity", schema.Type == "integer");
            if (schema.Type == "integer")
            {
                yield return ("fraction", "1.5", true);
            }
        }
        else if (schema.Type == "boolean")
        {
            yield return ("not a boolean", "maybe", true);
        }
        else if (schema.IsDate)
        {
            foreach (var (name, value, parses) in HostileValues.Dates())
            {
                yield return ($"date {name}", value, !parses);
            }
        }
        else if (schema.IsEnum)
        {
            yield return ("unknown name", "nope", true);
            yield return ("undefined number", "999", false);
        }
    }

    private IEnumerable<FuzzCase> BodyCases()
    {
        if (operation.Body is null)
        {
            // A body where none is expected is ignored, whatever it is.
            if (operation.Method is "POST" or "PUT" or "DELETE")
            {
                yield return new(operation, "unexpected garbage body", Url(), () => Raw([0xFF, 0x00, 0x7B], "application/json"), Expect.NoServerError);
                yield return new(operation, "unexpected huge body", Url(), () => Raw(Encoding.UTF8.GetBytes(new string('x', HostileValues.HugeLength)), "text/plain"), Expect.NoServerError);
            }

            yield break;
        }

        if (operation.Body.ContentType == "multipart/form-data")
        {
            foreach (var c in MultipartCases())
            {
                yield return c;
            }

            yield break;
        }

        var schema = operation.Body.Schema;
        var valid = ValidValue(schema, null);
        var required = operation.Body.Required;
        yield return new(operation, "valid", Url(), () => Json(valid.DeepClone()), Expect.NoServerError);
        yield return new(operation, "empty body", Url(), () => Raw([], "application/json"), required ? Expect.Refusal : Expect.NoServerError);
        foreach (var (name, bytes) in HostileValues.BrokenJson())
        {
            yield return new(operation, $"broken JSON: {name}", Url(), () => Raw(bytes, "application/json"), Expect.Refusal);
        }

        foreach (var (name, node) in new (string, JsonNode?)[] { ("null", null), ("array", new JsonArray()), ("number", 1), ("string", "x"), ("boolean", true) })
        {
            var refused = name != "null" || required;
            yield return new(operation, $"top level {name}", Url(), () => Json(node?.DeepClone()), refused ? Expect.Refusal : Expect.NoServerError);
        }

        var text = valid.ToJsonString();
        foreach (var type in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded" })
        {
            yield return new(operation, $"content type {type}", Url(), () => Raw(Encoding.UTF8.GetBytes(text), type), Expect.Refusal);
        }

        yield return new(operation, "no content type", Url(), () => Raw(Encoding.UTF8.GetBytes(text), null), Expect.Refusal);
        yield return new(operation, "multipart instead of JSON", Url(), () => Photo(Png(12), "photo", "p.png", "image/png"), Expect.Refusal);
        yield return new(operation, "JSON labelled UTF-16", Url(), () => Raw(Encoding.UTF8.GetBytes(text), "application/json; charset=utf-16"), Expect.NoServerError);

        if (valid is JsonObject)
        {
            yield return new(operation, "unknown property", Url(), () => Json(With(valid, "$$unknown", new JsonArray(1, 2))), Expect.NoServerError);
            yield return new(operation, "duplicate property", Url(), () => Raw(Encoding.UTF8.GetBytes(text.TrimEnd('}') + (text.Length > 2 ? "," : string.Empty) + text.TrimStart('{')), "application/json"), Expect.NoServerError);
            foreach (var c in PropertyCases(schema, valid.AsObject(), path: []))
            {
                yield return c;
            }
        }
    }

    private IEnumerable<FuzzCase> PropertyCases(ApiSchema schema, JsonObject valid, string[] path)
    {
        var here = Walk(valid, path);
        foreach (var (name, property) in schema.Properties)
        {
            var at = string.Join('.', path.Append(name));
            FuzzCase Case(string what, JsonNode? value, Expect expect, bool missing = false) =>
                new(operation, $"{at}: {what}", Url(), () => Json(Replace(valid, path, name, value, missing)), expect, expect == Expect.Refusal ? name : null);

            // Wrong JSON types: refused, naming the property.
            foreach (var (what, wrong) in WrongTypes(property))
            {
                yield return Case($"wrong type ({what})", wrong, Expect.Refusal);
            }

            yield return Case("null", null, property.IsValueType && !property.Nullable ? Expect.Refusal : Expect.NoServerError);
            yield return Case("missing", null, schema.Required.Contains(name) ? Expect.Refusal : Expect.NoServerError, missing: true);
            var deep = Encoding.UTF8.GetBytes(Replace(valid, path, name, "\u0001deep", missing: false).ToJsonString().Replace("\"\\u0001deep\"", new string('[', 200) + new string(']', 200), StringComparison.Ordinal));
            yield return new(operation, $"{at}: deeply nested arrays", Url(), () => Raw(deep, "application/json"), Expect.Refusal);

            if (property.Type == "string" && !property.IsDate && !property.IsEnum)
            {
                foreach (var (what, value) in HostileValues.Strings(_random))
                {
                    yield return Case(what, value, Expect.NoServerError);
                }
            }
            else if (property.Type is "integer" or "number")
            {
                foreach (var (what, value) in HostileValues.Numbers())
                {
                    yield return Case(what, value, Expect.NoServerError);
                }
            }
            else if (property.IsDate)
            {
                foreach (var (what, value, parses) in HostileValues.Dates())
                {
                    yield return Case($"date {what}", value, parses ? Expect.NoServerError : Expect.Refusal);
                }
            }
            else if (property.IsEnum)
            {
                yield return Case("unknown enum name", "nope", Expect.Refusal);
                yield return Case("enum as number", 999, Expect.NoServerError);
                yield return Case("enum in other case", property.Enum[0].ToUpperInvariant(), Expect.NoServerError);
            }
            else if (property.Type == "array")
            {
                yield return Case("huge array", new JsonArray(Enumerable.Range(0, 10_000).Select(i => (JsonNode?)JsonValue.Create("x" + i)).ToArray()), Expect.NoServerError);
                yield return Case("array of nulls", new JsonArray(null, null), Expect.NoServerError);
            }
            else if (property.Type == "object" && here[name] is JsonObject && path.Length < 2)
            {
                foreach (var c in PropertyCases(property, valid, [.. path, name]))
                {
                    yield return c;
                }
            }
        }
    }

    private static IEnumerable<(string What, JsonNode Value)> WrongTypes(ApiSchema schema)
    {
        if (schema.Type != "string" || schema.IsEnum || schema.IsDate)
        {
            // Numbers may come as strings (the API reads them so), so a string is wrong only where it is not a number.
            yield return ("text", "not-a-" + schema.Type);
        }

        if (schema.Type is not ("integer" or "number") && !schema.IsEnum)
        {
            yield return ("number", 12345);
        }

        if (schema.Type != "boolean")
        {
            yield return ("boolean", true);
        }

        if (schema.Type != "object")
        {
            yield return ("object", new JsonObject { ["a"] = 1 });
        }

        if (schema.Type != "array")
        {
            yield return ("array", new JsonArray(1, "two"));
        }
    }

    private IEnumerable<FuzzCase> MultipartCases()
    {
        var field = operation.Body!.Schema.Properties.Keys.First();
        yield return new(operation, "valid photo", Url(), () => Photo(Png(12), field, "photo.png", "image/png"), Expect.NoServerError);
        yield return new(operation, "no file", Url(), () => new MultipartFormDataContent { { new StringContent("x"), "other" } }, Expect.Refusal, field);
        yield return new(operation, "file under another name", Url(), () => Photo(Png(12), "file", "p.png", "image/png"), Expect.Refusal, field);
        yield return new(operation, "empty file", Url(), () => Photo([], field, "p.png", "image/png"), Expect.Refusal, field);
        yield return new(operation, "script claiming to be a JPEG", Url(), () => Photo(Encoding.UTF8.GetBytes("<script>alert(1)</script>"), field, "p.jpg", "image/jpeg"), Expect.Refusal, field);
        yield return new(operation, "SVG", Url(), () => Photo(Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"), field, "p.svg", "image/svg+xml"), Expect.Refusal, field);
        yield return new(operation, "6 MB PNG", Url(), () => Photo(Png(6 * 1024 * 1024), field, "big.png", "image/png"), Expect.Refusal, field);
        yield return new(operation, "hostile file name", Url(), () => Photo(Png(12), field, "../../etc/passwd%00;.png", "image/png"), Expect.NoServerError);
        yield return new(operation, "very long file name", Url(), () => Photo(Png(12), field, new string('n', 5000) + ".png", "image/png"), Expect.NoServerError);
        yield return new(operation, "JSON instead of a form", Url(), () => Json(new JsonObject { [field] = "x" }), Expect.Refusal);
        yield return new(operation, "broken multipart", Url(), () => Raw(Encoding.UTF8.GetBytes("--b\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nxx"), "multipart/form-data; boundary=b"), Expect.Refusal);
        yield return new(operation, "multipart without boundary", Url(), () => Raw(Encoding.UTF8.GetBytes("whatever"), "multipart/form-data"), Expect.Refusal);
    }

    /// <summary>A value the schema allows, with plausible values for fields the handler checks against real data.</summary>
    private JsonNode ValidValue(ApiSchema schema, string? name)
    {
        // A plausible value of another operation's field of the same name (a rule's kind) is no value of this enum.
        if (name is not null && plausible.TryGetValue(name, out var known) && (!schema.IsEnum || (known is JsonValue value && value.TryGetValue<string>(out var text) && schema.Enum.Contains(text))))
        {
            return known.DeepClone();
        }

        if (schema.IsEnum)
        {
            return schema.Enum[0];
        }

        if (schema.IsDate)
        {
            return DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture);
        }

        return schema.Type switch
        {
            "integer" or "number" => 1,
            "boolean" => true,
            "array" => new JsonArray(schema.Items is null ? "x" : ValidValue(schema.Items, null)),
            "object" => new JsonObject(schema.Properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)ValidValue(p.Value, p.Key)))),
            _ => "fuzz",
        };
    }

    private static JsonObject With(JsonNode valid, string name, JsonNode? value)
    {
        var copy = valid.DeepClone().AsObject();
        copy[name] = value;
        return copy;
    }

    private static JsonObject Replace(JsonObject root, string[] path, string name, JsonNode? value, bool missing)
    {
        var copy = root.DeepClone().AsObject();
        var target = Walk(copy, path);
        if (missing)
        {
            target.Remove(name);
        }
        else
        {
            target[name] = value?.DeepClone();
        }

        return copy;
    }

    private static JsonObject Walk(JsonObject root, string[] path) => path.Aggregate(root, (o, step) => o[step]!.AsObject());

    private static ByteArrayContent Raw(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    private static ByteArrayContent Json(JsonNode? node) => Raw(Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "null"), "application/json");

    private static MultipartFormDataContent Photo(byte[] bytes, string field, string fileName, string type)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        return new MultipartFormDataContent { { file, field, fileName } };
    }

    private static byte[] Png(int length)
    {
        var bytes = new byte[Math.Max(length, 12)];
        byte[] header = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        header.CopyTo(bytes, 0);
        return bytes;
    }
}
