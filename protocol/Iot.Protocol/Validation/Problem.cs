namespace Iot.Protocol.Validation;

/// <summary>One thing wrong with a message.</summary>
/// <param name="Path">JSON path of the offending value, e.g. <c>$.readings[3].value</c>; <c>$</c> for the whole message.</param>
/// <param name="Reason">What is wrong, in plain words.</param>
public sealed record Problem(string Path, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Reason}";
}

/// <summary>The outcome of reading a message: the message when it is sound, and every problem found.</summary>
/// <typeparam name="T">The message type.</typeparam>
/// <param name="Message">The message, or null when any problem was found.</param>
/// <param name="Problems">Every problem, each with its path.</param>
public sealed record ReadResult<T>(T? Message, IReadOnlyList<Problem> Problems)
    where T : class
{
    /// <summary>True when the message is sound.</summary>
    public bool IsValid => Message is not null;

    /// <summary>All problems on one line, for logs and dead letters.</summary>
    public string Summary => string.Join("; ", Problems);

    internal static ReadResult<T> From(T? message, List<Problem> problems) =>
        new(problems.Count == 0 ? message : null, problems);
}
