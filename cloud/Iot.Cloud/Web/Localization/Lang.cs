using System.Globalization;
using Iot.Cloud.Alerts;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;

namespace Iot.Cloud.Web.Localization;

/// <summary>
/// The page language of one request (Chinese unless the person chose English) and how things are said in it:
/// texts, times in the site's time zone, time left, statuses, kinds and roles.
/// </summary>
public sealed class Lang(SiteRegistry registry, TimeProvider time)
{
    public const string Chinese = "zh-CN";

    public const string English = "en";

    private TimeZoneInfo? _zone;

    public bool IsEnglish => CultureInfo.CurrentUICulture.Name == English;

    /// <summary>The <c>lang</c> attribute of the page.</summary>
    public string Code => IsEnglish ? "en" : "zh-Hans";

    /// <summary>The text in the page language; the key is the English text.</summary>
    public string this[string english] => IsEnglish ? english : Texts.Chinese.GetValueOrDefault(english, english);

    /// <summary>A text with placeholders filled in.</summary>
    public string F(string english, params object?[] args) => string.Format(CultureInfo.CurrentCulture, this[english], args);

    /// <summary>A service's refusal (an English template) in the page's language.</summary>
    public string Say(FormattableString text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IsEnglish ? FormattableString.Invariant(text) : string.Format(CultureInfo.InvariantCulture, this[text.Format], text.GetArguments());
    }

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The site's local time.</summary>
    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    public string Time(DateTimeOffset? at) => at is { } t ? Local(t).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    /// <summary>The first instant of <paramref name="day"/> in the site's time zone.</summary>
    public DateTimeOffset StartOf(DateOnly day) => new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), Zone), TimeSpan.Zero);

    /// <summary>The site's calendar day of <paramref name="at"/>.</summary>
    public DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(Local(at).DateTime);

    public string Date(DateTimeOffset at) => Local(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A span in words: "2 h 5 min" / "2小时5分".</summary>
    public string Span(TimeSpan span)
    {
        span = span.Duration();
        if (span.TotalDays >= 2)
        {
            return F("{0} d {1} h", (int)span.TotalDays, span.Hours);
        }

        return span.TotalHours >= 1 ? F("{0} h {1} min", (int)span.TotalHours, span.Minutes) : F("{0} min", Math.Max(1, (int)Math.Ceiling(span.TotalMinutes)));
    }

    /// <summary>Time left before a due time, or how long it is overdue.</summary>
    public string Left(DateTimeOffset due) => due >= Now ? F("{0} left", Span(due - Now)) : F("{0} overdue", Span(Now - due));

    public string Ago(DateTimeOffset at) => F("{0} ago", Span(Now - at));

    public string Severity(Severity severity) => this[severity switch
    {
        Kernel.Severity.Critical => "Critical",
        Kernel.Severity.Major => "Major",
        Kernel.Severity.Minor => "Minor",
        _ => "Warning",
    }];

    public string Status(WorkOrderStatus status) => this[StatusName(status)];

    public string Status(AlertStatus status) => this[StatusName(status)];

    /// <summary>A work order's status in English words, the key of its translation.</summary>
    public static string StatusName(WorkOrderStatus status) => status switch
    {
        WorkOrderStatus.New => "New",
        WorkOrderStatus.Assigned => "Assigned",
        WorkOrderStatus.InProgress => "In progress",
        WorkOrderStatus.WaitingForParts => "Waiting for parts",
        WorkOrderStatus.Fixed => "Fixed",
        WorkOrderStatus.Verified => "Verified",
        WorkOrderStatus.Closed => "Closed",
        _ => "Cancelled",
    };

    /// <summary>An alert's status in English words, the key of its translation.</summary>
    public static string StatusName(AlertStatus status) => status switch
    {
        AlertStatus.Open => "Open",
        AlertStatus.Acknowledged => "Acknowledged",
        AlertStatus.Cleared => "Cleared",
        _ => "Closed",
    };

    /// <summary>A device kind or alert target.</summary>
    public string Kind(string kind) => this[KindName(kind)];

    /// <summary>A device kind or alert target in English words, the key of its translation.</summary>
    public static string KindName(string kind) => kind switch
    {
        "streetlight" => "Streetlight",
        "gate" => "Gate",
        "drain" => "Drain",
        "charger" => "Charger",
        "agent" => "Courtyard unit",
        "device" => "Sensor",
        _ => "Other",
    };

    public string Role(StaffRole role) => this[role switch
    {
        StaffRole.PropertyStaff => "Property staff",
        StaffRole.CompanySupervisor => "Company supervisor",
        StaffRole.UnitStaff => "Owning-unit staff",
        StaffRole.CommunitySupervisor => "Community supervisor",
        StaffRole.Volunteer => "Volunteer",
        StaffRole.BuildingHead => "Building head",
        _ => "Street office",
    }];

    /// <summary>A percentage, or a dash when there is nothing to measure.</summary>
    public static string Percent(double? share) => share is { } s ? (s * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "—";

    public static string Number(double? value, string format = "0.#") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "—";

    private TimeZoneInfo Zone => _zone ??= registry.Current is { } site && TimeZoneInfo.TryFindSystemTimeZoneById(site.Site.Manifest.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;
}
