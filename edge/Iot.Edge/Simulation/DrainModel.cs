using Iot.Protocol.Identifiers;

namespace Iot.Edge.Simulation;

/// <summary>
/// A drainage ditch: water rises with rain and runs off through a pipe that may be partly blocked. Seen by an
/// HC-SR04 looking down from <see cref="MountHeightCm"/>, or a 0.5–4.5 V pressure transmitter on an ADS1115
/// (through a 2:3 divider), and a float switch.
/// </summary>
public sealed class DrainModel(DeviceId id, SimulatedGpioDriver pins, double mountHeightCm, SimulatedAds1115? adc, int adcChannel, double fullScaleKpa, int? floatPin, double floatTripCm, bool floatActiveLow = false)
    : DeviceModel(id, pins)
{
    /// <summary>Water above the drain floor, cm.</summary>
    public double LevelCm { get; set; } = 2;

    /// <summary>Height of the ultrasonic sensor above the floor, cm.</summary>
    public double MountHeightCm { get; } = mountHeightCm;

    /// <summary>How freely the drain runs off (1 clear, near 0 blocked by leaves and silt).</summary>
    public double Outflow { get; set; } = 1;

    /// <summary>The distance an ultrasonic sensor sees, cm.</summary>
    public double DistanceCm => Math.Max(2, MountHeightCm - LevelCm);

    private DateTimeOffset _burstUntil;
    private double _burstMmPerHour;

    /// <summary>A cloudburst over this courtyard alone until <paramref name="until"/>, on top of the site's weather.</summary>
    public void Cloudburst(DateTimeOffset until, double mmPerHour)
    {
        _burstUntil = until;
        _burstMmPerHour = mmPerHour;
    }

    /// <inheritdoc />
    public override void Advance(DateTimeOffset now, TimeSpan elapsed, WorldContext? world)
    {
        if (world is not null)
        {
            var minutes = elapsed.TotalMinutes;
            var rain = world.Weather.RainMmPerHour(now) + (now < _burstUntil ? _burstMmPerHour : 0);
            var inflow = rain * 0.08;            // cm/min of rise per mm/h over the catchment
            var outflow = 0.5 * Outflow * Math.Sqrt(Math.Max(0, LevelCm - 1)); // cm/min through the pipe
            LevelCm = Math.Clamp(LevelCm + ((inflow - outflow) * minutes), 1, MountHeightCm - 5);
        }

        if (adc is not null)
        {
            var kpa = Math.Max(0, LevelCm) * 0.0980665;
            adc.SetInput(adcChannel, (0.5 + (4.0 * kpa / fullScaleKpa)) * Sensors.Drain.AdcDividerRatio);
        }

        if (floatPin is { } pin)
        {
            Pins.SetInput(pin, Level(LevelCm >= floatTripCm, floatActiveLow));
        }
    }
}
