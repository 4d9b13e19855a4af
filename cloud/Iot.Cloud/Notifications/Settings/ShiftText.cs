using System.Globalization;

namespace Iot.Cloud.Notifications.Settings;

/// <summary>
/// Shifts as a person types them on a phone, one a line: <c>DAYS FROM-TO MOBILE</c>, e.g. <c>1-5 08:00-18:00 13800000001</c>
/// or <c>六,日 20:00-08:00 13800000002</c>. Days are 1 (Monday) to 7 (Sunday), 一 to 日 (天), or Mon to Sun; a range with
/// <c>-</c> or <c>至</c>, a list with <c>,</c> or <c>、</c>. Pure, so the page's parsing is tested without a page.
/// </summary>
public static class ShiftText
{
    private static readonly string[] English = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    private const string Chinese = "一二三四五六日";

    /// <summary>The shifts, and the 1-based numbers of the lines that could not be read.</summary>
    public static (List<ShiftOptions> Shifts, List<int> BadLines) Parse(string? text)
    {
        var shifts = new List<ShiftOptions>();
        var bad = new List<int>();
        var lines = (text ?? string.Empty).Replace('，', ',').Replace('－', '-').Replace('：', ':').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            var hours = parts.Length == 3 ? parts[1].Split('-') : [];
            if (parts.Length == 3 && Days(parts[0]) is { Count: > 0 } days && hours.Length == 2
                && TimeOnly.TryParseExact(hours[0], ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
                && TimeOnly.TryParseExact(hours[1] == "24:00" ? "00:00" : hours[1], ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
            {
                shifts.Add(new ShiftOptions { Days = days, From = from, To = to, Mobile = parts[2] });
            }
            else
            {
                bad.Add(i + 1);
            }
        }

        return (shifts, bad);
    }

    /// <summary>The shifts as the text box shows them.</summary>
    public static string Format(IEnumerable<ShiftOptions> shifts) =>
        string.Join('\n', shifts.Select(s => string.Create(CultureInfo.InvariantCulture, $"{string.Join(',', s.Days.Select(Number))} {s.From:HH\\:mm}-{s.To:HH\\:mm} {s.Mobile}")));

    /// <summary>A day as sent to the API: <c>monday</c> (any case), <c>1</c> to <c>7</c>, <c>一</c> to <c>日</c>, or <c>Mon</c>.</summary>
    public static DayOfWeek? DayOf(string text) =>
        Enum.TryParse<DayOfWeek>(text, ignoreCase: true, out var day) && Enum.IsDefined(day) && !int.TryParse(text, out _) ? day : Day(text) is { } n ? (DayOfWeek)(n % 7) : null;

    private static int Number(DayOfWeek day) => day == DayOfWeek.Sunday ? 7 : (int)day;

    private static List<DayOfWeek>? Days(string text)
    {
        var days = new List<DayOfWeek>();
        foreach (var item in text.Split([',', '、'], StringSplitOptions.RemoveEmptyEntries))
        {
            var range = item.Split(['-', '至']);
            if (range.Length is < 1 or > 2 || Day(range[0]) is not { } first || Day(range[^1]) is not { } last)
            {
                return null;
            }

            for (var d = first; ; d = d % 7 + 1)
            {
                days.Add((DayOfWeek)(d % 7));
                if (d == last)
                {
                    break;
                }
            }
        }

        return [.. days.Distinct()];
    }

    // 1 (Monday) to 7 (Sunday).
    private static int? Day(string text)
    {
        var t = text.Trim().TrimStart('周').TrimStart('星', '期').ToLowerInvariant();
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n is >= 1 and <= 7 ? n : null;
        }

        if (t.Length == 1 && (Chinese.IndexOf(t[0], StringComparison.Ordinal) is var c and >= 0 || (t == "天" && (c = 6) == 6)))
        {
            return c + 1;
        }

        return t.Length >= 3 && Array.IndexOf(English, t[..3]) is var e and >= 0 ? e + 1 : null;
    }
}
