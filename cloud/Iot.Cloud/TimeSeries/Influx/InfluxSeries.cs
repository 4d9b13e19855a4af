namespace Iot.Cloud.TimeSeries.Influx;

/// <summary>One series of an InfluxQL answer: its tags (when grouped by tag) and its rows, column by column.</summary>
/// <param name="Name">The measurement (or, for SHOW CONTINUOUS QUERIES, the database).</param>
/// <param name="Tags">Tag values of the group; empty when the query had no GROUP BY tag.</param>
/// <param name="Columns">Column names; the first is <c>time</c> (Unix milliseconds, as asked with epoch=ms).</param>
/// <param name="Rows">Cells: long for time, double for numbers, string, bool or null.</param>
internal sealed record InfluxSeries(string Name, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows)
{
    public static long Time(object?[] row) => Convert.ToInt64(row[0], System.Globalization.CultureInfo.InvariantCulture);

    public double Number(object?[] row, int column) => row[column] is double d ? d : throw new FormatException($"column {Columns[column]} is not a number");

    public string Text(object?[] row, string column) => row[IndexOf(column)] as string ?? string.Empty;

    public object? Cell(object?[] row, string column) => row[IndexOf(column)];

    private int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i] == column)
            {
                return i;
            }
        }

        throw new FormatException($"InfluxDB's answer has no column '{column}'");
    }
}
