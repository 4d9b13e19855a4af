using System.Globalization;

namespace Iot.Edge.Simulation;

/// <summary>Parses the w1-therm driver's <c>w1_slave</c> text the way the OneWire binding does: CRC verdict first, then <c>t=</c>.</summary>
public static class W1SlaveText
{
    /// <summary>The temperature in °C; throws when the kernel reported a bad CRC or the text is malformed.</summary>
    public static double Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains("YES", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("1-Wire read failed its CRC check");
        }

        var at = text.LastIndexOf("t=", StringComparison.Ordinal);
        return at >= 0 && int.TryParse(text.AsSpan(at + 2).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var milli)
            ? milli / 1000.0
            : throw new InvalidOperationException("1-Wire text has no temperature");
    }
}
