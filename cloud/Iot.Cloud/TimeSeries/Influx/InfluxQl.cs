using System.Globalization;
using System.Text;

namespace Iot.Cloud.TimeSeries.Influx;

/// <summary>Quoting for InfluxQL text: every identifier double-quoted, every string single-quoted, times in Unix milliseconds.</summary>
internal static class InfluxQl
{
    /// <summary>A quoted identifier (database, retention policy, measurement, tag, field).</summary>
    public static string Ident(string name) => Quote(name, '"');

    /// <summary>A quoted string literal (tag values in WHERE).</summary>
    public static string Literal(string value) => Quote(value, '\'');

    /// <summary>A time literal in milliseconds since the Unix epoch.</summary>
    public static string Time(long ms) => string.Create(CultureInfo.InvariantCulture, $"{ms}ms");

    /// <summary>A duration literal in whole seconds (retention policies allow 1h and more).</summary>
    public static string Duration(TimeSpan duration) => string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalSeconds}s");

    /// <summary>A GROUP BY time() interval for a window.</summary>
    public static string Interval(long windowMs) => windowMs == TimeAlignment.HourMs ? "1h" : "1m";

    /// <summary>A LIMIT clause: at most <paramref name="rows"/> points per series.</summary>
    public static string Limit(int rows) => string.Create(CultureInfo.InvariantCulture, $"LIMIT {rows}");

    /// <summary>The WHERE condition for one sensor in [fromMs, toMs).</summary>
    public static string SeriesRange(string agent, string sensor, long fromMs, long toMs) =>
        $"{Ident("agent")} = {Literal(agent)} AND {Ident("sensor")} = {Literal(sensor)} AND time >= {Time(fromMs)} AND time < {Time(toMs)}";

    /// <summary>Reads an InfluxDB duration as SHOW RETENTION POLICIES prints it (Go style, e.g. <c>720h0m0s</c>).</summary>
    public static TimeSpan ParseGoDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var total = TimeSpan.Zero;
        var number = 0L;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                number = (number * 10) + (c - '0');
                continue;
            }

            total += c switch
            {
                'h' => TimeSpan.FromHours(number),
                'm' when i + 1 < text.Length && text[i + 1] == 's' => TimeSpan.FromMilliseconds(number),
                'm' => TimeSpan.FromMinutes(number),
                's' => TimeSpan.FromSeconds(number),
                _ => throw new FormatException($"'{text}' is not a duration"),
            };
            if (c == 'm' && i + 1 < text.Length && text[i + 1] == 's')
            {
                i++;
            }

            number = 0;
        }

        return total;
    }

    private static string Quote(string text, char quote)
    {
        var sb = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var c in text)
        {
            if (c == quote || c == '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append(quote).ToString();
    }
}
