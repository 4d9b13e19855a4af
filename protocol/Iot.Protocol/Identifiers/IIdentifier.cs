namespace Iot.Protocol.Identifiers;

/// <summary>
/// A validated identifier that can be parsed from text without exceptions. It is also <see cref="IParsable{TSelf}"/>
/// (each type has the <c>TryParse(text, provider, out id)</c> that web binding looks for), so a route or query value
/// binds to it directly and a malformed one is refused before any handler runs.
/// </summary>
/// <typeparam name="TSelf">The identifier type.</typeparam>
public interface IIdentifier<TSelf> : IParsable<TSelf>
    where TSelf : struct, IIdentifier<TSelf>
{
    /// <summary>The identifier's text.</summary>
    string Value { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says why.</summary>
    static abstract bool TryParse(string? text, out TSelf id, out string? problem);

    static TSelf IParsable<TSelf>.Parse(string s, IFormatProvider? provider) => Identifier.Parse<TSelf>(s);
}

/// <summary>Parsing helpers shared by every identifier type.</summary>
public static class Identifier
{
    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the problem.</summary>
    public static T Parse<T>(string text)
        where T : struct, IIdentifier<T>
        => T.TryParse(text, out var id, out var problem) ? id : throw new FormatException(problem);
}
