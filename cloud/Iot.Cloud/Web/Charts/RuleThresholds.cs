using System.Globalization;
using Iot.Cloud.Rules;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Cloud.Web.Charts;

/// <summary>
/// The levels at which a courtyard's rules raise alerts on a signal (a drain's level, a charger's temperature, a lamp's
/// current), for lines across its chart: the rule's own value, else each device's manifest threshold the rule names.
/// </summary>
public static class RuleThresholds
{
    /// <summary>One line per distinct level of the threshold and time-of-day rules on <paramref name="signal"/> of <paramref name="devices"/>.</summary>
    public static IReadOnlyList<ChartThreshold> For(RuleSet rules, CourtyardId courtyard, DeviceKind kind, string signal, IEnumerable<DeviceManifest> devices, string unit)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(devices);
        var lines = new List<ChartThreshold>();
        foreach (var rule in rules.For(courtyard, WireNames.Of(kind)).Where(r => r.Kind is RuleKind.Threshold or RuleKind.TimeOfDay && r.Parameters.Signal == signal))
        {
            var p = rule.Parameters;
            List<double> levels = (p.Above ?? p.Below) is { } own
                ? [own]
                : [.. devices.Select(d => p.Threshold is { } name ? Level(DeviceCatalog.ThresholdOf(d, name)) : null).OfType<double>().Distinct()];
            lines.AddRange(levels.Select(v => new ChartThreshold(v, string.Create(CultureInfo.InvariantCulture, $"{rule.Name} {v:0.###} {unit}"))));
        }

        return lines.DistinctBy(l => l.Label).ToList();
    }

    private static double? Level(Threshold threshold) => threshold.Above ?? threshold.Below;
}
