namespace Iot.Cloud.Notifications;

/// <summary>
/// Who of a party is on duty when, in Kunming time (UTC+8, no daylight saving): shifts by weekday and hours, and a
/// fallback person for any hour no shift covers. A shift whose end is before its start runs past midnight and belongs to
/// the day it starts.
/// </summary>
public sealed class RotaOptions
{
    public List<ShiftOptions> Shifts { get; set; } = [];

    /// <summary>Mobile of the person reached when no shift covers the hour.</summary>
    public string? Fallback { get; set; }

    /// <summary>Mobile of the party's supervisor, reached when a critical alert goes unacknowledged.</summary>
    public string? Supervisor { get; set; }

    /// <summary>What is wrong with the rota, or null.</summary>
    public string? Problem() =>
        Shifts.FirstOrDefault(s => string.IsNullOrWhiteSpace(s.Mobile) || s.Days.Count == 0 || s.From == s.To) is { } bad
            ? $"has a shift ({string.Join(',', bad.Days)} {bad.From}-{bad.To}) without a mobile, days or hours"
            : Shifts.Count > 0 || Fallback is not null ? null : "names nobody; give Shifts or a Fallback";
}

/// <summary>One recurring shift.</summary>
public sealed class ShiftOptions
{
    public List<DayOfWeek> Days { get; set; } = [];

    public TimeOnly From { get; set; }

    public TimeOnly To { get; set; }

    public string Mobile { get; set; } = "";
}

/// <summary>Reads a rota at an instant (pure, so a fake clock tests it).</summary>
public static class Rota
{
    /// <summary>Kunming's offset from UTC (China keeps one zone, no daylight saving).</summary>
    public static readonly TimeSpan Kunming = TimeSpan.FromHours(8);

    /// <summary>The on-duty person's mobile at <paramref name="at"/>, else the fallback, else null.</summary>
    public static string? OnDuty(RotaOptions? rota, DateTimeOffset at)
    {
        if (rota is null)
        {
            return null;
        }

        var local = at.ToOffset(Kunming);
        var time = TimeOnly.FromDateTime(local.DateTime);
        foreach (var shift in rota.Shifts)
        {
            var overnight = shift.To < shift.From;
            var today = shift.Days.Contains(local.DayOfWeek) && time >= shift.From && (overnight || time < shift.To);
            var fromYesterday = overnight && shift.Days.Contains(local.AddDays(-1).DayOfWeek) && time < shift.To;
            if (today || fromYesterday)
            {
                return shift.Mobile;
            }
        }

        return rota.Fallback;
    }
}
