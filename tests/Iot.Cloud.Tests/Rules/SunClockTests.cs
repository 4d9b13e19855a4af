using Iot.Cloud.Rules;

namespace Iot.Cloud.Tests.Rules;

public class SunClockTests
{
    // Yongchang Street, Kunming; Beijing time (UTC+8), which Kunming keeps though it lies far west of 120°E.
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly SunClock Kunming = new(25.031, 102.676, Beijing);

    private static TimeOnly Local(DateTimeOffset utc) => TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(utc, Beijing).DateTime);

    [Theory]
    [InlineData(2026, 6, 21, "06:23", "20:01")]
    [InlineData(2026, 12, 21, "07:47", "18:30")]
    [InlineData(2026, 3, 20, "07:16", "19:22")]
    public void Sunrise_and_sunset_in_Kunming_match_the_almanac_within_five_minutes(int year, int month, int day, string sunrise, string sunset)
    {
        var (rise, set) = Kunming.On(new DateOnly(year, month, day));
        Assert.InRange((Local(rise).ToTimeSpan() - TimeOnly.Parse(sunrise, System.Globalization.CultureInfo.InvariantCulture).ToTimeSpan()).TotalMinutes, -5, 5);
        Assert.InRange((Local(set).ToTimeSpan() - TimeOnly.Parse(sunset, System.Globalization.CultureInfo.InvariantCulture).ToTimeSpan()).TotalMinutes, -5, 5);
    }

    [Theory]
    [InlineData("2026-12-21T13:00:00Z", true)]   // 21:00 local
    [InlineData("2026-12-21T19:00:00Z", true)]   // 03:00 local, past midnight
    [InlineData("2026-12-21T04:00:00Z", false)]  // noon local
    [InlineData("2026-12-21T10:40:00Z", false)]  // 18:40 local: dusk, inside the 30-minute margin
    [InlineData("2026-12-21T11:10:00Z", true)]   // 19:10 local: past the margin
    public void Night_is_between_sunset_and_sunrise_less_a_margin(string utc, bool night)
    {
        var instant = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(night, Kunming.IsNight(instant, TimeSpan.FromMinutes(30)));
    }
}
