using System.Text.RegularExpressions;
using Iot.Cloud.Web.Charts;

namespace Iot.Cloud.Tests.Web;

/// <summary>The server-drawn charts: local time on the axis, gaps left open, the alert's level as a line, and words for no data.</summary>
public sealed partial class SvgChartTests
{
    private static readonly DateTimeOffset From = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(6);

    private static DateTimeOffset Kunming(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8));

    private static ChartSeries Minutes(string name, int fromMinute, int toMinute, double value) =>
        new(name, [.. Enumerable.Range(fromMinute, toMinute - fromMinute + 1).Select(m => new ChartPoint(From.AddMinutes(m), value))]);

    [Fact]
    public void A_gap_in_the_readings_breaks_the_line_instead_of_drawing_across_it()
    {
        // Readings every minute for an hour, none for two hours, then another hour.
        var series = new ChartSeries("drain-01", [.. Minutes("a", 0, 60, 10).Points, .. Minutes("a", 180, 240, 12).Points]);
        var svg = SvgChart.Lines("Drain", "cm", [series], From, To, Kunming);
        Assert.Equal(2, Polylines().Count(svg));

        var unbroken = SvgChart.Lines("Drain", "cm", [Minutes("a", 0, 240, 10)], From, To, Kunming);
        Assert.Equal(1, Polylines().Count(unbroken));
    }

    [Fact]
    public void A_week_by_the_hour_shows_an_agent_offline_for_three_hours_as_a_gap_and_bridges_one_lost_hour()
    {
        // The courtyard page's 7-day chart: hourly means. Hours 50, 51 and 52 missing (an agent offline), hour 100 alone.
        var week = From.AddDays(7);
        static ChartSeries Hours(params int[] missing) =>
            new("lamp-01", [.. Enumerable.Range(0, 168).Where(h => !missing.Contains(h)).Select(h => new ChartPoint(From.AddHours(h), 0.4))]);

        Assert.Equal(2, Polylines().Count(SvgChart.Lines("Lamp", "A", [Hours(50, 51, 52)], From, week, Kunming)));
        Assert.Equal(1, Polylines().Count(SvgChart.Lines("Lamp", "A", [Hours(100)], From, week, Kunming)));
    }

    [Fact]
    public void A_day_by_the_minute_shows_five_minutes_without_readings_as_a_gap()
    {
        var day = From.AddDays(1);
        var series = new ChartSeries("drain-01", [.. Minutes("a", 0, 600, 10).Points, .. Minutes("a", 606, 1439, 10).Points]);
        Assert.Equal(2, Polylines().Count(SvgChart.Lines("Drain", "cm", [series], From, day, Kunming)));
    }

    [Fact]
    public void The_time_axis_is_labelled_in_local_time()
    {
        var svg = SvgChart.Lines("Drain", "cm", [Minutes("a", 0, 60, 10)], From, To, Kunming);
        Assert.Contains(">08:00<", svg, StringComparison.Ordinal); // 00:00 UTC is 08:00 in Kunming
        Assert.DoesNotContain(">00:00<", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void The_alert_threshold_is_a_labelled_line_inside_the_chart_even_above_every_reading()
    {
        var svg = SvgChart.Lines("Drain", "cm", [Minutes("a", 0, 60, 4)], From, To, Kunming, thresholds: [new ChartThreshold(30, "排水沟水位过高 30 cm")]);
        var line = Threshold().Match(svg);
        Assert.True(line.Success, svg);
        Assert.Contains(">排水沟水位过高 30 cm</text>", svg, StringComparison.Ordinal);
        var y = double.Parse(line.Groups["y"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(y, 14, 230 - 30); // inside the plot: the scale reaches the threshold, not only the readings
    }

    [Fact]
    public void Two_near_thresholds_put_their_labels_at_opposite_ends_so_neither_covers_the_other()
    {
        var svg = SvgChart.Lines("Lamp", "A", [Minutes("a", 0, 60, 0.45)], From, To, Kunming,
            thresholds: [new ChartThreshold(0.05, "夜间路灯不亮 0.05 A"), new ChartThreshold(0.1, "白天路灯常亮 0.1 A"), new ChartThreshold(1.5, "路灯电流异常 1.5 A")]);
        // 1.5 A sets the scale: 0.05 and 0.1 A are then 6 px apart.
        Assert.Contains("text-anchor=\"end\">路灯电流异常 1.5 A</text>", svg, StringComparison.Ordinal);
        Assert.Contains("text-anchor=\"end\">白天路灯常亮 0.1 A</text>", svg, StringComparison.Ordinal);
        Assert.Contains("text-anchor=\"start\">夜间路灯不亮 0.05 A</text>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chart_without_readings_says_so_instead_of_an_empty_frame_or_a_lone_threshold()
    {
        var svg = SvgChart.Lines("Drain", "cm", [new ChartSeries("a", [])], From, To, Kunming, empty: "暂无数据", thresholds: [new ChartThreshold(30, "排水沟水位过高 30 cm")]);
        Assert.Contains("class=\"empty\">暂无数据</text>", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("threshold", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("<polyline", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Bars_without_any_value_say_so_and_bars_of_zero_are_values()
    {
        static string Zero(double v) => v.ToString("0", System.Globalization.CultureInfo.InvariantCulture);
        var none = SvgChart.Bars("Lamps lit at night", [("11-24", null), ("12-01", null)], Zero, "暂无数据");
        Assert.Contains("class=\"empty\">暂无数据</text>", none, StringComparison.Ordinal);

        var zeros = SvgChart.Bars("Gate incidents", [("11-24", 0), ("12-01", 0)], Zero, "暂无数据");
        Assert.DoesNotContain("暂无数据", zeros, StringComparison.Ordinal);
    }

    [GeneratedRegex("<polyline ")]
    private static partial Regex Polylines();

    [GeneratedRegex("<g class=\"threshold\"><title>[^<]*</title><line x1=\"[0-9.]+\" x2=\"[0-9.]+\" y1=\"(?<y>[0-9.]+)\"")]
    private static partial Regex Threshold();
}
