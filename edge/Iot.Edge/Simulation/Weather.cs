using Iot.Edge.Sensors;

namespace Iot.Edge.Simulation;

/// <summary>
/// The sky over a site, shared by every courtyard in it: Kunming's sun, its mild temperatures, and rain
/// storms that come mostly in the wet season (June to October). Deterministic from the time and a seed, so
/// every agent of a fleet sees the same storm at the same moment. <paramref name="sunShift"/> runs the sun ahead of the
/// clock (the demo makes it night in one courtyard by day; rain and temperature keep the real time).
/// </summary>
public sealed class Weather(double latitude, double longitude, int seed, TimeSpan sunShift = default)
{
    /// <summary>How far the sun runs ahead of the clock.</summary>
    public TimeSpan SunShift => sunShift;

    /// <summary>The same sky with the sun <paramref name="shift"/> ahead of the clock.</summary>
    public Weather WithSunShift(TimeSpan shift) => new(latitude, longitude, seed, shift);

    /// <summary>Sun elevation, degrees.</summary>
    public double SunElevation(DateTimeOffset now) => SunPosition.Elevation(latitude, longitude, now + sunShift);

    /// <summary>Rain, mm/h.</summary>
    public double RainMmPerHour(DateTimeOffset now)
    {
        var hour = now.ToUnixTimeSeconds() / 3600;
        var roll = Hash(hour);
        var wet = now.Month is >= 6 and <= 10;
        if (roll > (wet ? 0.08 : 0.012))
        {
            return 0;
        }

        var peak = 5 + (Hash(hour * 31 + 7) * 55);
        var phase = (now.ToUnixTimeSeconds() % 3600) / 3600.0;
        return peak * Math.Sin(Math.PI * phase);
    }

    /// <summary>Outside air temperature, °C: mild all year, warmest mid-afternoon.</summary>
    public static double AirTemperature(DateTimeOffset now)
    {
        var local = now.ToOffset(TimeSpan.FromHours(8));
        var seasonal = 15 + (5 * Math.Sin(2 * Math.PI * (local.DayOfYear - 100) / 365.0));
        return seasonal + (5 * Math.Sin(2 * Math.PI * (local.Hour + (local.Minute / 60.0) - 9) / 24.0));
    }

    /// <summary>Illuminance on an open-sky sensor, lx: daylight, twilight, and cloud under rain.</summary>
    public double SkyLux(DateTimeOffset now)
    {
        var elevation = SunElevation(now);
        var cloud = RainMmPerHour(now) > 0 ? 0.2 : 1.0;
        return elevation switch
        {
            > 0 => Math.Min(50_000, 400 + (60_000 * Math.Sin(elevation * Math.PI / 180))) * cloud,
            > -6 => 3.4 * Math.Pow(10, (elevation + 6) / 6 * 2.07) * cloud,
            _ => 0.3,
        };
    }

    private double Hash(long value)
    {
        var x = (ulong)(value ^ ((long)seed * 0x5DEECE66DL));
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return (x >> 11) / (double)(1UL << 53);
    }
}
