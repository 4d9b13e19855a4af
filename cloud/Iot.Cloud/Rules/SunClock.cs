namespace Iot.Cloud.Rules;

/// <summary>
/// Sunrise and sunset for a place (the sunrise equation, accurate to a minute or two at Kunming's latitude), so
/// rules can say "a lamp dark at night" or "a lamp lit in daylight" without a light sensor on every lamp.
/// </summary>
public sealed class SunClock(double latitude, double longitude, TimeZoneInfo timeZone)
{
    private const double Degrees = Math.PI / 180;

    /// <summary>Sunrise and sunset (UTC) of the local calendar day <paramref name="day"/>.</summary>
    public (DateTimeOffset Sunrise, DateTimeOffset Sunset) On(DateOnly day)
    {
        // Days since 2000-01-01 12:00 UTC, at local noon of the day.
        var n = day.DayNumber - new DateOnly(2000, 1, 1).DayNumber + 0.0008;
        var meanSolarNoon = n - (longitude / 360);
        var anomaly = (357.5291 + (0.98560028 * meanSolarNoon)) % 360;
        var center = (1.9148 * Sin(anomaly)) + (0.0200 * Sin(2 * anomaly)) + (0.0003 * Sin(3 * anomaly));
        var eclipticLongitude = (anomaly + center + 180 + 102.9372) % 360;
        var transit = 2451545.0 + meanSolarNoon + (0.0053 * Sin(anomaly)) - (0.0069 * Sin(2 * eclipticLongitude));
        var declination = Math.Asin(Sin(eclipticLongitude) * Sin(23.4397));
        var cosHourAngle = (Sin(-0.833) - (Sin(latitude) * Math.Sin(declination))) / (Cos(latitude) * Math.Cos(declination));
        var hourAngle = Math.Acos(Math.Clamp(cosHourAngle, -1, 1)) / Degrees;
        return (FromJulian(transit - (hourAngle / 360)), FromJulian(transit + (hourAngle / 360)));
    }

    /// <summary>
    /// True between sunset + <paramref name="margin"/> and the next sunrise − <paramref name="margin"/>: the hours
    /// when a courtyard lamp must be lit (the margin leaves dusk and dawn to the lamp's own switching).
    /// </summary>
    public bool IsNight(DateTimeOffset instant, TimeSpan margin)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, timeZone).Date);
        foreach (var day in new[] { today.AddDays(-1), today })
        {
            var (_, sunset) = On(day);
            var (nextSunrise, _) = On(day.AddDays(1));
            if (instant >= sunset + margin && instant <= nextSunrise - margin)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True between sunrise + <paramref name="margin"/> and sunset − <paramref name="margin"/>.</summary>
    public bool IsDay(DateTimeOffset instant, TimeSpan margin)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, timeZone).Date);
        var (sunrise, sunset) = On(today);
        return instant >= sunrise + margin && instant <= sunset - margin;
    }

    private static double Sin(double degrees) => Math.Sin(degrees * Degrees);

    private static double Cos(double degrees) => Math.Cos(degrees * Degrees);

    private static DateTimeOffset FromJulian(double julian) =>
        DateTimeOffset.UnixEpoch.AddDays(julian - 2440587.5);
}
