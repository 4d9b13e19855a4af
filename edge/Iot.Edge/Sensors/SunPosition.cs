namespace Iot.Edge.Sensors;

/// <summary>
/// The sun's elevation from latitude, longitude and UTC time (NOAA's low-precision formulas, good to a few
/// tenths of a degree): the lamp schedule switches on it, and the simulation lights the sky with it.
/// </summary>
public static class SunPosition
{
    /// <summary>Degrees above the horizon; negative at night.</summary>
    public static double Elevation(double latitude, double longitude, DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var dayAngle = 2 * Math.PI / 365.0 * (utc.DayOfYear - 1 + ((utc.Hour - 12) / 24.0));
        var equationOfTime = 229.18 * (0.000075 + (0.001868 * Math.Cos(dayAngle)) - (0.032077 * Math.Sin(dayAngle))
            - (0.014615 * Math.Cos(2 * dayAngle)) - (0.040849 * Math.Sin(2 * dayAngle)));
        var declination = 0.006918 - (0.399912 * Math.Cos(dayAngle)) + (0.070257 * Math.Sin(dayAngle))
            - (0.006758 * Math.Cos(2 * dayAngle)) + (0.000907 * Math.Sin(2 * dayAngle));
        var minutes = (utc.Hour * 60) + utc.Minute + (utc.Second / 60.0) + equationOfTime + (4 * longitude);
        var hourAngle = ((minutes / 4) - 180) * Math.PI / 180;
        var lat = latitude * Math.PI / 180;
        var sin = (Math.Sin(lat) * Math.Sin(declination)) + (Math.Cos(lat) * Math.Cos(declination) * Math.Cos(hourAngle));
        return Math.Asin(Math.Clamp(sin, -1, 1)) * 180 / Math.PI;
    }
}
