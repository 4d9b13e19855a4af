namespace Iot.Protocol.Identifiers;

/// <summary>
/// The one place where identifier syntax is defined. Identifiers appear in MQTT topics, file names and
/// URLs, so they are restricted to lowercase ASCII letters, digits and single hyphens (pinyin slugs such
/// as <c>yikang-12</c>); names in Chinese live beside them, never inside them.
/// </summary>
public static class IdentifierRules
{
    /// <summary>Longest identifier accepted, in characters.</summary>
    public const int MaxLength = 48;

    /// <summary>
    /// Returns why <paramref name="value"/> is not a valid slug identifier, or <see langword="null"/> when it is.
    /// </summary>
    /// <param name="value">The candidate identifier.</param>
    /// <param name="what">What the identifier names, used in the reason ("agent id").</param>
    /// <param name="maxLength">Upper length bound.</param>
    public static string? SlugProblem(string? value, string what, int maxLength = MaxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return $"{what} is empty";
        }

        if (value.Length > maxLength)
        {
            return $"{what} is {value.Length} characters long; at most {maxLength} are allowed";
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') || (c == '-' && i > 0 && i < value.Length - 1 && value[i - 1] != '-');
            if (!ok)
            {
                return $"{what} '{Shorten(value)}' has '{c}' at position {i}; use lowercase letters, digits and single inner hyphens";
            }
        }

        return null;
    }

    internal static string Shorten(string value) => value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 37), "...");
}
