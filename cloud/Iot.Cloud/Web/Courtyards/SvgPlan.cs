using System.Globalization;
using System.Text;
using Iot.Cloud.Web.Charts;
using Iot.Protocol.Sites;

namespace Iot.Cloud.Web.Courtyards;

/// <summary>
/// The courtyard's schematic plan from its manifest: the yard, its buildings, and each device at its coordinates,
/// drawn by kind (lamp a circle, gate a square, drain a triangle, charger a diamond) with a label and a state mark
/// (✓, !, ?), so the state reads without colour. Each device is labelled with its number in the device table (the
/// names are too long for a plan and would cover the markers) and links to its row there.
/// </summary>
public static class SvgPlan
{
    public static string Draw(CourtyardManifest courtyard, IReadOnlyList<DeviceState> devices, Func<DeviceState, string> describe)
    {
        ArgumentNullException.ThrowIfNull(courtyard);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(describe);
        var plan = courtyard.Plan ?? new SitePlan(60, 40, []);
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg class=\"plan\" viewBox=\"-2 -2 {plan.Width + 4} {plan.Height + 4}\" role=\"group\" aria-label=\"{SvgChart.E(courtyard.Name)}\" xmlns=\"http://www.w3.org/2000/svg\">"));
        svg.Append(Inv($"<rect x=\"0\" y=\"0\" width=\"{plan.Width}\" height=\"{plan.Height}\" class=\"yard\"/>"));
        foreach (var b in plan.Buildings)
        {
            svg.Append(Inv($"<rect x=\"{b.X}\" y=\"{b.Y}\" width=\"{b.W}\" height=\"{b.H}\" class=\"building\"/>"));
            svg.Append(Inv($"<text x=\"{b.X + (b.W / 2):0.##}\" y=\"{b.Y + (b.H / 2) + 1.2:0.##}\" text-anchor=\"middle\" class=\"building-name\">{SvgChart.E(b.Name)}</text>"));
        }

        var unplaced = 0;
        var number = 0;
        foreach (var d in devices)
        {
            number++;
            var at = d.Device.At ?? new PlanPoint(2 + (unplaced++ * 4), plan.Height - 2);
            var (x, y) = (at.X, at.Y);
            var state = d.Health switch { DeviceHealth.Alarm => "alarm", DeviceHealth.Ok => "ok", _ => "unknown" };
            var mark = d.Health switch { DeviceHealth.Alarm => "!", DeviceHealth.Ok => "✓", _ => "?" };
            var shape = d.Device.Kind switch
            {
                DeviceKind.Streetlight => Inv($"<circle cx=\"{x}\" cy=\"{y}\" r=\"1.9\"/>"),
                DeviceKind.Gate => Inv($"<rect x=\"{x - 1.8}\" y=\"{y - 1.8}\" width=\"3.6\" height=\"3.6\"/>"),
                DeviceKind.Drain => Inv($"<path d=\"M{x - 2.1:0.##} {y + 1.7:0.##} L{x + 2.1:0.##} {y + 1.7:0.##} L{x:0.##} {y - 2:0.##} Z\"/>"),
                _ => Inv($"<path d=\"M{x:0.##} {y - 2.3:0.##} L{x + 2.3:0.##} {y:0.##} L{x:0.##} {y + 2.3:0.##} L{x - 2.3:0.##} {y:0.##} Z\"/>"),
            };
            svg.Append(Inv($"<a href=\"#dev-{SvgChart.E(d.Agent)}-{SvgChart.E(d.Device.Id.Value)}\" class=\"device {state}\"><title>{SvgChart.E(describe(d))}</title>{shape}"));
            svg.Append(Inv($"<text x=\"{x}\" y=\"{y + 0.9:0.##}\" text-anchor=\"middle\" class=\"mark\">{mark}</text>"));
            svg.Append(Inv($"<text x=\"{x + 2.7:0.##}\" y=\"{y - 1.5:0.##}\" class=\"device-number\">{number}</text></a>"));
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
