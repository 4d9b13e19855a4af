using System.Globalization;

namespace Iot.Testing;

/// <summary>
/// The figures a fault test produced, one line per test in <c>test-results/reliability.tsv</c> (test, faults, sent,
/// stored, lost, duplicated), from which the README's reliability table is compiled. Tests assert the zeros as well;
/// the line is written before the assertions, so a failing run leaves its figures behind too.
/// </summary>
public static class ReliabilityLog
{
    private const string Header = "test\tfaults\tsent\tstored\tlost\tduplicated";
    private static readonly Lock Gate = new();

    /// <summary>The file, under the repository's test-results folder.</summary>
    public static string File => RepoPaths.Of("test-results", "reliability.tsv");

    /// <summary>Appends one line; several test processes may write at once (one short append each).</summary>
    public static void Record(string test, int faults, long sent, long stored, long lost, long duplicated)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{test}\t{faults}\t{sent}\t{stored}\t{lost}\t{duplicated}\n");
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(File)!);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var stream = new FileStream(File, FileMode.Append, FileAccess.Write, FileShare.Read);
                    var text = stream.Position == 0 ? Header + "\n" + line : line;
                    var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                    stream.Write(bytes);
                    return;
                }
                catch (IOException) when (attempt < 50)
                {
                    // Another test process holds the file for its one write.
                    Thread.Yield();
                }
            }
        }
    }
}
