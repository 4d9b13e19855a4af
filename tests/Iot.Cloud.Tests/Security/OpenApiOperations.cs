using System.Text.Json;

namespace Iot.Cloud.Tests.Security;

/// <summary>What a schema in the OpenAPI document says a value is, with <c>$ref</c> and <c>oneOf: [null, X]</c> resolved.</summary>
internal sealed record ApiSchema(string Type, string? Format, bool Nullable, IReadOnlyList<string> Enum, IReadOnlyDictionary<string, ApiSchema> Properties, IReadOnlySet<string> Required, ApiSchema? Items)
{
    public bool IsDate => Type == "string" && Format == "date-time";

    public bool IsEnum => Enum.Count > 0;

    /// <summary>A value type in .NET (number, boolean, enum, date): a JSON null for it is refused unless the schema allows null.</summary>
    public bool IsValueType => Type is "integer" or "number" or "boolean" || IsEnum || IsDate;
}

internal sealed record ApiParameter(string Name, string In, ApiSchema Schema, bool Required);

internal sealed record ApiBody(string ContentType, ApiSchema Schema, bool Required);

/// <summary>One operation of the document: method, path template, parameters and request body.</summary>
internal sealed record ApiOperation(string Method, string Path, IReadOnlyList<ApiParameter> Parameters, ApiBody? Body, IReadOnlySet<string> Responses)
{
    public override string ToString() => $"{Method} {Path}";

    /// <summary>Reads every operation of an OpenAPI 3.x document.</summary>
    public static List<ApiOperation> AllOf(JsonDocument document)
    {
        var schemas = document.RootElement.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var s) ? s : default;
        var reader = new SchemaReader(schemas);
        var operations = new List<ApiOperation>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject().Where(o => o.Name != "parameters"))
            {
                var parameters = op.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Select(p => new ApiParameter(
                        p.GetProperty("name").GetString()!,
                        p.GetProperty("in").GetString()!,
                        reader.Read(p.GetProperty("schema")),
                        p.TryGetProperty("required", out var r) && r.GetBoolean())).ToList()
                    : [];
                ApiBody? body = null;
                if (op.Value.TryGetProperty("requestBody", out var rb))
                {
                    var content = rb.GetProperty("content").EnumerateObject().First();
                    body = new ApiBody(content.Name, reader.Read(content.Value.GetProperty("schema")), rb.TryGetProperty("required", out var r) && r.GetBoolean());
                }

                var responses = op.Value.TryGetProperty("responses", out var rs) ? rs.EnumerateObject().Select(r => r.Name).ToHashSet() : [];
                operations.Add(new ApiOperation(op.Name.ToUpperInvariant(), path.Name, parameters, body, responses));
            }
        }

        return operations;
    }

    private sealed class SchemaReader(JsonElement schemas)
    {
        public ApiSchema Read(JsonElement schema, int depth = 0)
        {
            if (depth > 8)
            {
                return new ApiSchema("object", null, true, [], new Dictionary<string, ApiSchema>(), new HashSet<string>(), null);
            }

            if (schema.TryGetProperty("$ref", out var reference))
            {
                return Read(schemas.GetProperty(reference.GetString()!.Split('/')[^1]), depth + 1);
            }

            if (schema.TryGetProperty("oneOf", out var oneOf) || schema.TryGetProperty("anyOf", out oneOf))
            {
                var choices = oneOf.EnumerateArray().ToList();
                var nullable = choices.Any(c => c.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null");
                var inner = Read(choices.First(c => !(c.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null")), depth + 1);
                return inner with { Nullable = inner.Nullable || nullable };
            }

            // "type" is a name or a list of names; ["null", "string"] is a nullable string, ["integer", "string"] a number
            // that may also be sent as a string.
            var types = !schema.TryGetProperty("type", out var type) ? []
                : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList()
                : [type.GetString()!];
            var enumValues = schema.TryGetProperty("enum", out var e) ? e.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList() : [];
            var main = types.FirstOrDefault(t => t is "integer" or "number" or "boolean" or "array" or "object")
                ?? types.FirstOrDefault(t => t != "null")
                ?? (enumValues.Count > 0 ? "string" : schema.TryGetProperty("properties", out _) ? "object" : "string");
            var properties = schema.TryGetProperty("properties", out var props)
                ? props.EnumerateObject().ToDictionary(p => p.Name, p => Read(p.Value, depth + 1))
                : new Dictionary<string, ApiSchema>();
            var required = schema.TryGetProperty("required", out var req) ? req.EnumerateArray().Select(r => r.GetString()!).ToHashSet() : [];
            return new ApiSchema(
                main,
                schema.TryGetProperty("format", out var format) ? format.GetString() : null,
                types.Contains("null"),
                enumValues,
                properties,
                required,
                schema.TryGetProperty("items", out var items) ? Read(items, depth + 1) : null);
        }
    }
}
