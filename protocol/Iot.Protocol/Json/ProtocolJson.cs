using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Iot.Protocol.Json;

/// <summary>Writes messages and manifests as the wire expects them.</summary>
public static class ProtocolJson
{
    /// <summary>Serialises <paramref name="value"/> to UTF-8 JSON.</summary>
    /// <typeparam name="T">A message or manifest type known to <see cref="ProtocolJsonContext"/>.</typeparam>
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>());

    /// <summary>Serialises <paramref name="value"/> to a JSON string.</summary>
    public static string SerializeToString<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    /// <summary>
    /// Deserialises trusted JSON (written by this library) without the validation of
    /// <see cref="Validation.MessageReader"/>. Never use it for input from the network.
    /// </summary>
    public static T? DeserializeTrusted<T>(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize(json, TypeInfo<T>());

    private static JsonTypeInfo<T> TypeInfo<T>() =>
        ProtocolJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new NotSupportedException($"{typeof(T).Name} is not part of the protocol");
}
