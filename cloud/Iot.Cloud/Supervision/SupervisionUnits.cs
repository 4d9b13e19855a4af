using System.Globalization;

namespace Iot.Cloud.Supervision;

/// <summary>
/// One unit per figure of the service record, wherever it is shown (dashboard tables, charts, weekly report, CSV):
/// time to acknowledge in minutes, time to fix in hours, shares as percentages, ratings out of 5 with one decimal.
/// A figure with nothing to measure is null here; the pages show "—" and the CSV an empty cell.
/// </summary>
public static class SupervisionUnits
{
    /// <summary>A time to acknowledge, in whole minutes.</summary>
    public static string? AckMinutes(double? minutes) => minutes?.ToString("0", CultureInfo.InvariantCulture);

    /// <summary>A time to fix, in hours with one decimal.</summary>
    public static string? FixHours(double? minutes) => ToHours(minutes)?.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>The hours a time to fix is shown in, for charts.</summary>
    public static double? ToHours(double? minutes) => minutes is { } m ? Math.Round(m / 60, 1, MidpointRounding.AwayFromZero) : null;

    /// <summary>A share (0 to 1) as a percentage with at most one decimal: "12.5%".</summary>
    public static string? Percent(double? share) => share is { } s ? (s * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : null;

    /// <summary>An average rating, 1 to 5, one decimal.</summary>
    public static string? Rating(double? average) => average?.ToString("0.0", CultureInfo.InvariantCulture);
}
