using System.Text.Json;
using System.Text.Json.Serialization;

namespace Iot.Protocol.Messages;

/// <summary>Enums travel as camelCase strings, never as numbers; the same names <see cref="WireNames"/> uses.</summary>
/// <typeparam name="T">The enum type.</typeparam>
public sealed class CamelCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where T : struct, Enum;
