using System.Collections.Frozen;
using System.Text.Json;

namespace Iot.Protocol.Messages;

/// <summary>
/// Enum members travel as camelCase strings (<c>waterLevel</c>, <c>gateForced</c>). One mapping for
/// writing and reading, so the serializer and the validating reader cannot drift apart.
/// </summary>
public static class WireNames
{
    /// <summary>The wire name of <paramref name="value"/>.</summary>
    public static string Of<T>(T value)
        where T : struct, Enum
        => Cache<T>.Names[value];

    /// <summary>Parses a wire name; false for anything not in <typeparamref name="T"/>.</summary>
    public static bool TryParse<T>(string? name, out T value)
        where T : struct, Enum
    {
        value = default;
        return name is not null && Cache<T>.Values.TryGetValue(name, out value);
    }

    /// <summary>Every wire name of <typeparamref name="T"/>, for error messages and documentation.</summary>
    public static IReadOnlyCollection<string> All<T>()
        where T : struct, Enum
        => Cache<T>.Values.Keys;

    private static class Cache<T>
        where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> Names =
            Enum.GetValues<T>().ToFrozenDictionary(v => v, v => JsonNamingPolicy.CamelCase.ConvertName(v.ToString()));

        public static readonly FrozenDictionary<string, T> Values =
            Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
