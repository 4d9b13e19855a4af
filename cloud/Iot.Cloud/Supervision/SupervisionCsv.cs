using System.Globalization;
using System.Text;
using Iot.Cloud.Api;

namespace Iot.Cloud.Supervision;

/// <summary>
/// The service record as a CSV a residents' committee opens in Excel or WPS: UTF-8 with a byte order mark (so the
/// Chinese reads), one header row in the reader's language, the same columns in the same order in every language
/// and grouping (so a program can read it too), times in the unit the header states, shares as percentages, and
/// the ratings of the repairs. A figure with nothing to measure is an empty cell, never a zero.
/// </summary>
public static class SupervisionCsv
{
    /// <summary>The columns after the group's id and name: the English header (translated for the reader) and the figure.</summary>
    private static readonly (string Header, Func<SupervisionRow, string?> Value)[] Figures =
    [
        ("Orders raised", r => N(r.Raised)),
        ("Orders acknowledged", r => N(r.Acknowledged)),
        ("Orders fixed", r => N(r.Fixed)),
        ("Median time to acknowledge (minutes)", r => SupervisionUnits.AckMinutes(r.MedianAckMinutes)),
        ("90% acknowledged within (minutes)", r => SupervisionUnits.AckMinutes(r.P90AckMinutes)),
        ("Median time to fix (hours)", r => SupervisionUnits.FixHours(r.MedianFixMinutes)),
        ("90% fixed within (hours)", r => SupervisionUnits.FixHours(r.P90FixMinutes)),
        ("Overdue orders", r => N(r.Overdue)),
        ("Overdue share", r => SupervisionUnits.Percent(r.OverdueShare)),
        ("Reopened orders", r => N(r.Reopened)),
        ("Reopen rate", r => SupervisionUnits.Percent(r.ReopenRate)),
        ("Ratings", r => N(r.Ratings)),
        ("Average rating (out of 5)", r => SupervisionUnits.Rating(r.AverageRating)),
        ("Confirmed by telemetry", r => N(r.ByTelemetry)),
        ("Confirmed by the community", r => N(r.ByCommunity)),
        ("Confirmed by the reporting resident", r => N(r.ByResident)),
        ("Maintenance windows (hours)", r => r.MaintenanceHours?.ToString("0.#", CultureInfo.InvariantCulture)),
        ("Patrol rounds due", r => r.RoundsDue?.ToString(CultureInfo.InvariantCulture)),
        ("Patrol rounds missed", r => r.RoundsMissed?.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>The English headers, in order, for a group (translate each for the reader).</summary>
    public static IReadOnlyList<string> Headers(SupervisionGroup group) => ["ID", GroupHeader(group), .. Figures.Select(f => f.Header)];

    /// <summary>The rows as CSV bytes.</summary>
    /// <param name="rows">The record.</param>
    /// <param name="group">How it is grouped (names the second column).</param>
    /// <param name="name">A group's name from its id.</param>
    /// <param name="say">An English text in the reader's language.</param>
    public static byte[] Write(IEnumerable<SupervisionRow> rows, SupervisionGroup group, Func<string, string> name, Func<string, string> say)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(say);
        var csv = new StringBuilder().Row(Headers(group).Select(h => CsvText.Field(say(h))));
        foreach (var r in rows)
        {
            csv.Row([CsvText.Field(r.Key), CsvText.Field(name(r.Key)), .. Figures.Select(f => f.Value(r) ?? string.Empty)]);
        }

        return CsvText.Bytes(csv);
    }

    private static string GroupHeader(SupervisionGroup group) => group switch
    {
        SupervisionGroup.Party => "Responsible party",
        SupervisionGroup.Block => "Block",
        SupervisionGroup.Courtyard => "Courtyard",
        _ => "Device kind",
    };

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
