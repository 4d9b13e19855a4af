namespace Iot.Edge.Outbox;

/// <summary>One file of a queue: <c>{priority}-{number}.seg</c>.</summary>
internal sealed class Segment(long number, string path, long length, bool recovered)
{
    public long Number { get; } = number;

    public string Path { get; } = path;

    public long Length { get; set; } = length;

    /// <summary>Records not yet acknowledged.</summary>
    public long Remaining { get; set; }

    /// <summary>Found on disk at start: its damage was counted then, so reading past it again counts nothing.</summary>
    public bool Recovered { get; } = recovered;

    public static string FileName(OutboxPriority priority, long number) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(int)priority}-{number:D10}.seg");
}
