using System.Globalization;
using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Localization;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Cloud.Web.Admin;

/// <summary>
/// A rule in the words of the page: what it watches, when it raises and clears (values with units, durations), at
/// which scope (the street, a block, a courtyard, by name). Values taken from the devices' own settings are said so.
/// </summary>
public sealed class RuleWords(Lang lang, SiteRegistry registry)
{
    /// <summary>The values a threshold-like rule works with, given or from the device catalogue.</summary>
    public sealed record Limits(bool High, double? Raise, double? Clear, double For, double ClearFor, bool FromDevice);

    public string Scope(string scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var site = registry.Current?.Site;
        return scope.Split(':') switch
        {
            ["block", var id] => lang.F("Block: {0}", site?.Communities.SelectMany(c => c.Blocks).FirstOrDefault(b => b.Id.Value == id)?.Name ?? id),
            ["courtyard", var id] => lang.F("Courtyard: {0}", site?.Courtyards.FirstOrDefault(c => c.Courtyard.Id.Value == id).Courtyard?.Name ?? id),
            _ => lang["Whole street"],
        };
    }

    /// <summary>How wide a scope is, for ordering: the street, then blocks, then courtyards.</summary>
    public static int Width(string scope) => scope.StartsWith("courtyard:", StringComparison.Ordinal) ? 2 : scope.StartsWith("block:", StringComparison.Ordinal) ? 1 : 0;

    public string Signal(string? signal, RuleKind kind) => kind == RuleKind.RateOfRise
        ? lang["the rise of the water level"]
        : lang[signal switch { "current" => "the current", "level" => "the water level", "temperature" => "the temperature", "lux" => "the light", _ => "the reading" }];

    public string Unit(string? signal, RuleKind kind) => (signal, kind) switch
    {
        (_, RuleKind.RateOfRise) => lang["cm/min"],
        ("current", _) => "A",
        ("level", _) => "cm",
        ("temperature", _) => "°C",
        ("lux", _) => "lx",
        _ => string.Empty,
    };

    public string Value(double? value, string? signal, RuleKind kind) =>
        value is { } v ? $"{v.ToString("0.###", CultureInfo.InvariantCulture)} {Unit(signal, kind)}".TrimEnd() : "—";

    /// <summary>A duration as people say it: 30秒, 10分钟, 1小时30分.</summary>
    public string Duration(double seconds)
    {
        if (seconds < 60 || seconds % 60 != 0 && seconds < 600)
        {
            return lang.F("{0} s", Math.Round(seconds, 1).ToString(CultureInfo.InvariantCulture));
        }

        var span = TimeSpan.FromSeconds(seconds);
        return span.TotalMinutes < 60 ? lang.F("{0} min", (int)span.TotalMinutes) : lang.Span(span);
    }

    /// <summary>The values a threshold, time-of-day or rate-of-rise rule uses: its own, else the catalogue's defaults of the named device threshold.</summary>
    public static Limits LimitsOf(Rule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var p = rule.Parameters;
        var spec = p.Threshold is { } name && WireNames.TryParse<DeviceKind>(rule.Target, out var kind)
            ? DeviceCatalog.ThresholdsOf(kind).FirstOrDefault(t => t.Name == name)
            : null;
        var given = p.Above is not null || p.Below is not null;
        var high = given ? p.Above is not null : spec?.Shape != ThresholdShape.Low;
        var raise = given ? p.Above ?? p.Below : high ? spec?.Default.Above : spec?.Default.Below;
        var clear = given ? (high ? p.ClearBelow : p.ClearAbove) ?? raise : high ? spec?.Default.ClearBelow : spec?.Default.ClearAbove;
        var forSeconds = p.ForSeconds ?? spec?.Default.ForSeconds ?? 0;
        return new Limits(high, raise, clear, forSeconds, p.ClearForSeconds ?? forSeconds, !given && spec is not null);
    }

    /// <summary>When the rule raises an alert, in a sentence.</summary>
    public string Raises(Rule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var p = rule.Parameters;
        switch (rule.Kind)
        {
            case RuleKind.Threshold or RuleKind.TimeOfDay or RuleKind.RateOfRise:
                var l = LimitsOf(rule);
                var what = lang.F(l.High ? "{0} above {1}" : "{0} below {1}", Signal(p.Signal, rule.Kind), Value(l.Raise, p.Signal, rule.Kind));
                var when = rule.Kind == RuleKind.TimeOfDay ? lang[p.When == "day" ? "By day: " : "At night: "] : string.Empty;
                var window = rule.Kind == RuleKind.RateOfRise ? " " + lang.F("(over the last {0})", Duration((p.WindowMinutes ?? 10) * 60)) : string.Empty;
                var device = l.FromDevice ? " " + lang["(each device's own setting; the default is shown)"] : string.Empty;
                return when + (l.For > 0 ? lang.F("{0} for {1}", what, Duration(l.For)) : lang.F("{0}, at once", what)) + window + device;
            case RuleKind.EdgeEvent:
                return lang.F("The courtyard unit reports: {0}", Events(p.RaiseOn));
            case RuleKind.Offline:
                return lang.F("The courtyard unit is offline for {0}", Duration(p.GraceSeconds ?? 0));
            case RuleKind.Stale:
                return lang.F("A sensor sends no reading for {0} sample intervals (at least {1})", Lang.Number(p.MissedSamples), Duration(p.GraceSeconds ?? 0));
            default:
                return p.Health switch
                {
                    "outboxDropping" => lang["The courtyard unit's store starts dropping readings"],
                    "agentFlooding" => lang["The courtyard unit sends more messages, new boots or sensors than it is allowed"],
                    "diskLow" => lang.F("The courtyard unit has less than {0} MB of storage left", Lang.Number((p.Limit ?? 0) / 1e6, "0.#")),
                    _ => lang.F("The courtyard unit's clock is still not set {0} after it started", Duration((p.Limit ?? 0) * 3600)),
                };
        }
    }

    /// <summary>When the alert clears, in a sentence.</summary>
    public string Clears(Rule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var p = rule.Parameters;
        switch (rule.Kind)
        {
            case RuleKind.Threshold or RuleKind.TimeOfDay or RuleKind.RateOfRise:
                var l = LimitsOf(rule);
                var what = lang.F(l.High ? "{0} below {1}" : "{0} above {1}", Signal(p.Signal, rule.Kind), Value(l.Clear, p.Signal, rule.Kind));
                var cleared = l.ClearFor > 0 ? lang.F("{0} for {1}", what, Duration(l.ClearFor)) : what;
                return rule.Kind == RuleKind.TimeOfDay ? lang.F("{0}, or when {1} comes", cleared, lang[p.When == "day" ? "night" : "day"]) : cleared;
            case RuleKind.EdgeEvent:
                var on = lang.F("It reports: {0}", Events(p.ClearOn));
                return p.AutoClearMinutes is { } minutes ? lang.F("{0}, or after {1} without a new one", on, Duration(minutes * 60)) : on;
            case RuleKind.Offline:
                return lang["It comes back online"];
            case RuleKind.Stale:
                return lang["A reading arrives"];
            default:
                return p.Health switch
                {
                    "outboxDropping" => lang.F("No more drops for {0}", Duration(p.ClearForSeconds ?? 0)),
                    "agentFlooding" => lang["It stays within its limits for a while (2 minutes by default)"],
                    "diskLow" => lang.F("More than {0} MB free", Lang.Number((p.Limit ?? 0) * 1.2 / 1e6, "0.#")),
                    _ => lang["Its clock is set"],
                };
        }
    }

    public string Events(IEnumerable<string>? events) => string.Join(lang["; "], (events ?? []).Select(Event));

    public string Event(string wire) => lang[wire switch
    {
        "lampBurntOut" => "lamp burnt out",
        "lampRecovered" => "lamp working again",
        "gateForced" => "gate forced open",
        "gateHeldOpen" => "gate held open",
        "gateClosed" => "gate closed",
        "drainHighWater" => "high water (float switch)",
        "drainHighWaterCleared" => "water back down",
        "chargerCutOff" => "outlet cut off for safety",
        "chargerLockedOut" => "outlet locked out",
        "chargerReset" => "outlet reset by a person",
        "sensorFault" => "safety sensor failed",
        "sensorRecovered" => "safety sensor working again",
        _ => "another event",
    }];
}
