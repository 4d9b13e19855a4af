namespace Iot.Protocol.Sites;

/// <summary>Something wrong in a manifest file, located precisely enough for a technician to fix it.</summary>
/// <param name="File">The file, as the caller named it.</param>
/// <param name="Path">A JSON path into the file, e.g. <c>$.courtyards[3].agents[0].devices[1].parts[0].pin</c>.</param>
/// <param name="Reason">What is wrong, in plain words.</param>
public sealed record ManifestProblem(string File, string Path, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}: {Path}: {Reason}";
}

/// <summary>The text of one manifest file.</summary>
/// <param name="File">A name for messages (usually the path).</param>
/// <param name="Json">The file's content: JSON, comments allowed.</param>
public sealed record ManifestText(string File, string Json);
