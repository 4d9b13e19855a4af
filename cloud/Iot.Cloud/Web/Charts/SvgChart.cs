using System.Globalization;
using System.Net;
using System.Text;

namespace Iot.Cloud.Web.Charts;

public sealed record ChartPoint(DateTimeOffset At, double Value);

public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points);

/// <summary>An instant worth marking on a time chart (a high-water event), with what it was.</summary>
public sealed record ChartMarker(DateTimeOffset At, string Label);

/// <summary>A level worth a line across a time chart: where a rule raises its alert, with the rule's name.</summary>
public sealed record ChartThreshold(double Value, string Label);

/// <summary>
/// Charts drawn on the server as SVG: nothing to download, works offline, prints, and is readable without colour
/// (each series has its own dash pattern and a legend; the chart has a title and a text summary for screen readers).
/// Only presentation attributes are used, no inline styles, so the strict content security policy holds.
/// </summary>
public static class SvgChart
{
    private const double Width = 720;
    private const double Height = 230;
    private const double Left = 52;
    private const double Right = 12;
    private const double Top = 14;
    private const double Bottom = 30;
    private static readonly string[] Dashes = ["", "6 3", "2 3", "10 3 2 3", "1 4", "12 5"];

    /// <summary>
    /// A line chart over time; times on the axis are shown in the site's local time via <paramref name="local"/>.
    /// <paramref name="thresholds"/> are drawn as labelled lines across it (and kept in range); <paramref name="empty"/>
    /// is written in the frame when there is no point at all.
    /// </summary>
    public static string Lines(string title, string unit, IReadOnlyList<ChartSeries> series, DateTimeOffset from, DateTimeOffset to, Func<DateTimeOffset, DateTimeOffset> local, IReadOnlyList<ChartMarker>? markers = null, string? markerName = null, string? empty = null, IReadOnlyList<ChartThreshold>? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(local);
        thresholds ??= [];
        var values = series.SelectMany(s => s.Points).Select(p => p.Value).ToList();
        var scale = values.Concat(values.Count == 0 ? [] : thresholds.Select(t => t.Value)).ToList(); // an empty chart stays a plain frame
        var min = Math.Min(0, scale.Count == 0 ? 0 : scale.Min());
        var max = scale.Count == 0 ? 1 : scale.Max();
        max = max <= min ? min + 1 : max + ((max - min) * 0.1);
        var span = (to - from).TotalSeconds;
        double X(DateTimeOffset t) => Left + ((t - from).TotalSeconds / span * (Width - Left - Right));
        double Y(double v) => Top + ((max - v) / (max - min) * (Height - Top - Bottom));

        var svg = new StringBuilder();
        var id = "c" + Guid.NewGuid().ToString("N")[..8];
        var summary = values.Count == 0
            ? empty ?? string.Empty
            : string.Join("; ", series.Where(s => s.Points.Count > 0).Select(s => $"{s.Name}: {N(s.Points.Min(p => p.Value))}–{N(s.Points.Max(p => p.Value))} {unit}, {N(s.Points[^1].Value)} {unit} latest"));
        svg.Append(Inv($"<svg class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{id}t {id}d\" xmlns=\"http://www.w3.org/2000/svg\">"));
        svg.Append(Inv($"<title id=\"{id}t\">{E(title)}</title><desc id=\"{id}d\">{E(summary)}</desc>"));

        // Grid and axes.
        for (var i = 0; i <= 4; i++)
        {
            var v = min + ((max - min) * i / 4);
            svg.Append(Inv($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(v):0.#}\" y2=\"{Y(v):0.#}\" class=\"grid\"/>"));
            svg.Append(Inv($"<text x=\"{Left - 6}\" y=\"{Y(v) + 4:0.#}\" text-anchor=\"end\" class=\"tick\">{N(v)}</text>"));
        }

        var longRange = to - from > TimeSpan.FromDays(1.5);
        for (var i = 0; i <= 6; i++)
        {
            var t = from + ((to - from) * i / 6);
            svg.Append(Inv($"<line x1=\"{X(t):0.#}\" x2=\"{X(t):0.#}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" class=\"grid\"/>"));
            svg.Append(Inv($"<text x=\"{X(t):0.#}\" y=\"{Height - 10}\" text-anchor=\"middle\" class=\"tick\">{local(t).ToString(longRange ? "MM-dd HH:mm" : "HH:mm", CultureInfo.InvariantCulture)}</text>"));
        }

        svg.Append(Inv($"<text x=\"4\" y=\"{Top - 2}\" class=\"unit\">{E(unit)}</text>"));

        foreach (var marker in markers ?? [])
        {
            var x = X(marker.At);
            svg.Append(Inv($"<g class=\"marker\"><title>{E(markerName ?? string.Empty)} {local(marker.At):MM-dd HH:mm} {E(marker.Label)}</title>"));
            svg.Append(Inv($"<line x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"{Top}\" y2=\"{Height - Bottom}\"/>"));
            svg.Append(Inv($"<path d=\"M{x - 5:0.#} {Top} L{x + 5:0.#} {Top} L{x:0.#} {Top + 8} Z\"/></g>"));
        }

        // Where the alert starts, so a reader sees how close the line came; only beside data (an empty chart says so instead).
        // A label too close to the one above it goes to the other end of its line, so two near levels stay readable.
        var lastRight = double.MinValue;
        foreach (var threshold in (values.Count == 0 ? [] : thresholds).OrderByDescending(t => t.Value))
        {
            var y = Y(threshold.Value);
            var right = y - lastRight >= 13;
            lastRight = right ? y : lastRight;
            svg.Append(Inv($"<g class=\"threshold\"><title>{E(threshold.Label)}</title><line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke-dasharray=\"8 4\"/>"));
            svg.Append(right
                ? Inv($"<text x=\"{Width - Right - 4}\" y=\"{y - 4:0.#}\" text-anchor=\"end\">{E(threshold.Label)}</text></g>")
                : Inv($"<text x=\"{Left + 4}\" y=\"{y - 4:0.#}\" text-anchor=\"start\">{E(threshold.Label)}</text></g>"));
        }

        // A gap of more than two typical steps (the rollup's bucket) breaks the line: missing data is not drawn as a
        // straight ramp, at any range (hours offline in a week by the hour too); one lost bucket is bridged.
        for (var s = 0; s < series.Count; s++)
        {
            var points = series[s].Points.OrderBy(p => p.At).ToList();
            var steps = points.Zip(points.Skip(1), (a, b) => (b.At - a.At).TotalSeconds).Order().ToList();
            var gap = steps.Count == 0 ? double.MaxValue : Math.Max(steps[steps.Count / 2] * 2, 120);
            var dash = Dashes[s % Dashes.Length];
            var line = new List<string>();
            void Flush()
            {
                if (line.Count == 1)
                {
                    svg.Append(Inv($"<circle r=\"2.5\" cx=\"{line[0].Split(',')[0]}\" cy=\"{line[0].Split(',')[1]}\" class=\"s{s % 6} dot\"/>"));
                }
                else if (line.Count > 1)
                {
                    svg.Append(Inv($"<polyline class=\"s{s % 6}\" fill=\"none\" stroke-dasharray=\"{dash}\" points=\"{string.Join(' ', line)}\"/>"));
                }

                line.Clear();
            }

            for (var i = 0; i < points.Count; i++)
            {
                if (i > 0 && (points[i].At - points[i - 1].At).TotalSeconds > gap)
                {
                    Flush();
                }

                line.Add(Inv($"{X(points[i].At):0.#},{Y(points[i].Value):0.#}"));
            }

            Flush();
        }

        if (values.Count == 0 && empty is not null)
        {
            svg.Append(Inv($"<text x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\" class=\"empty\">{E(empty)}</text>"));
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The legend of a line chart: each series' dash pattern and name.</summary>
    public static string Legend(IReadOnlyList<ChartSeries> series, string? markerName = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var html = new StringBuilder("<ul class=\"legend\">");
        for (var s = 0; s < series.Count; s++)
        {
            html.Append(Inv($"<li><svg width=\"34\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" x2=\"34\" y1=\"5\" y2=\"5\" class=\"s{s % 6}\" stroke-dasharray=\"{Dashes[s % Dashes.Length]}\"/></svg>{E(series[s].Name)}</li>"));
        }

        if (markerName is not null)
        {
            html.Append(Inv($"<li><svg width=\"34\" height=\"10\" aria-hidden=\"true\" class=\"marker\"><path d=\"M12 0 L22 0 L17 9 Z\"/></svg>{E(markerName)}</li>"));
        }

        return html.Append("</ul>").ToString();
    }

    /// <summary>A bar chart with the value written on every bar (weekly trends); <paramref name="empty"/> in the frame when no bar has a value.</summary>
    public static string Bars(string title, IReadOnlyList<(string Label, double? Value)> bars, Func<double, string> format, string? empty = null)
    {
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(format);
        const double width = 360;
        const double height = 150;
        const double bottom = 24;
        const double top = 18;
        var max = bars.Select(b => b.Value ?? 0).DefaultIfEmpty(0).Max();
        max = max <= 0 ? 1 : max;
        var slot = width / Math.Max(1, bars.Count);
        var id = "b" + Guid.NewGuid().ToString("N")[..8];
        var svg = new StringBuilder(Inv($"<svg class=\"bars\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}\">{E(title)}: {E(string.Join(", ", bars.Select(b => $"{b.Label} {(b.Value is { } v ? format(v) : "—")}")))}</title>"));
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var h = (value ?? 0) / max * (height - top - bottom);
            var x = (i * slot) + (slot * 0.15);
            var y = height - bottom - h;
            svg.Append(Inv($"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{Math.Max(h, 0.5):0.#}\" class=\"bar\"/>"));
            svg.Append(Inv($"<text x=\"{x + (slot * 0.35):0.#}\" y=\"{y - 4:0.#}\" text-anchor=\"middle\" class=\"tick\">{E(value is { } v ? format(v) : "—")}</text>"));
            svg.Append(Inv($"<text x=\"{x + (slot * 0.35):0.#}\" y=\"{height - 8}\" text-anchor=\"middle\" class=\"tick\">{E(label)}</text>"));
        }

        if (empty is not null && bars.All(b => b.Value is null))
        {
            svg.Append(Inv($"<text x=\"{width / 2}\" y=\"{(height - bottom) / 2}\" text-anchor=\"middle\" class=\"empty\">{E(empty)}</text>"));
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>Escapes text for SVG and HTML.</summary>
    public static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(double v) => Math.Abs(v) >= 100 ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
