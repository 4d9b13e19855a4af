using System.Text;

namespace Iot.Cloud.Api;

/// <summary>
/// CSV for a committee that opens it in Excel or WPS: UTF-8 with a byte order mark (so the Chinese reads), CRLF rows
/// (RFC 4180), every text field quoted, and a field starting with = + - @ neutralised so a spreadsheet never runs it.
/// </summary>
public static class CsvText
{
    /// <summary>One row of already-made fields.</summary>
    public static StringBuilder Row(this StringBuilder csv, IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(csv);
        return csv.Append(string.Join(',', fields)).Append("\r\n");
    }

    /// <summary>A text field, quoted and made safe.</summary>
    public static string Field(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var safe = text.Length > 0 && "=+-@".Contains(text[0], StringComparison.Ordinal) ? "'" + text : text;
        return $"\"{safe.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }

    /// <summary>The file's bytes: the byte order mark, then the text.</summary>
    public static byte[] Bytes(StringBuilder csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }
}
