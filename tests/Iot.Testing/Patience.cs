using System.Globalization;

namespace Iot.Testing;

/// <summary>
/// How long a test waits before it calls a condition failed. A deadline only matters when something is broken, so
/// deadlines are generous; on a machine slower than the 2-core build machine, <c>IOT_TEST_PATIENCE</c> (a factor,
/// default 1) stretches every one of them without touching a test.
/// </summary>
public static class Patience
{
    /// <summary>The factor every test deadline is multiplied by.</summary>
    public static double Factor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("IOT_TEST_PATIENCE"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f >= 1 ? f : 1;

    /// <summary><paramref name="deadline"/> stretched by <see cref="Factor"/>.</summary>
    public static TimeSpan Of(TimeSpan deadline) => deadline * Factor;

    /// <summary><paramref name="seconds"/> stretched by <see cref="Factor"/>.</summary>
    public static TimeSpan Seconds(double seconds) => Of(TimeSpan.FromSeconds(seconds));
}
