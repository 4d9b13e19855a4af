using System.Device.Gpio;
using Iot.Device.Hcsr04;

namespace Iot.Edge.Hardware;

/// <summary>
/// An HC-SR04 timed by the agent itself, for kernels without the srf04 driver: the Iot.Device.Bindings binding polls
/// the echo pin against a stopwatch, so a busy Pi lengthens single echoes (a thread descheduled as the echo ends sees
/// its end late). Each read therefore takes a burst of echoes and gives their median, which one late echo cannot move.
/// </summary>
internal static class UserSpaceRangeFinder
{
    private const int Echoes = 5;

    /// <summary>A reader over the binding on <paramref name="gpio"/>; throws <see cref="IOException"/> when most echoes failed.</summary>
    public static Func<double> Open(GpioController gpio, int triggerPin, int echoPin)
    {
        var sonar = new Hcsr04(gpio, triggerPin, echoPin, shouldDispose: false);
        return () =>
        {
            var distances = new List<double>(Echoes);
            for (var i = 0; i < Echoes; i++)
            {
                if (sonar.TryGetDistance(out var distance))
                {
                    distances.Add(distance.Centimeters);
                }
            }

            if (distances.Count <= Echoes / 2)
            {
                throw new IOException($"the HC-SR04 on trigger GPIO {triggerPin} answered {distances.Count} of {Echoes} pings");
            }

            distances.Sort();
            return Math.Round(distances[distances.Count / 2], 1);
        };
    }
}
