using Iot.Cloud.Kernel;

namespace Iot.Cloud.Rules;

/// <summary>
/// The rules a new site starts with, site-wide. They are written to the database once; from then on they are data
/// that people edit (new versions, block and courtyard overrides), never overwritten from here.
/// </summary>
public static class DefaultRules
{
    public sealed record Definition(string Key, string Name, RuleKind Kind, string Target, string Fault, Severity Severity, RuleParameters Parameters);

    public static IReadOnlyList<Definition> All { get; } =
    [
        // Streetlights: a dark stairway is how elderly residents fall.
        new("lamp-dark-at-night", "夜间路灯不亮", RuleKind.TimeOfDay, "streetlight", "lamp-out", Severity.Major,
            new() { Signal = "current", Threshold = "burntOutCurrentA", When = "night", MarginMinutes = 30, ForSeconds = 600, ClearForSeconds = 120 }),
        new("lamp-burnt-out", "路灯烧坏（开灯无电流）", RuleKind.EdgeEvent, "streetlight", "lamp-out", Severity.Major,
            new() { RaiseOn = ["lampBurntOut"], ClearOn = ["lampRecovered"] }),
        new("lamp-lit-in-daylight", "白天路灯常亮", RuleKind.TimeOfDay, "streetlight", "lamp-on-by-day", Severity.Minor,
            new() { Signal = "current", Above = 0.1, ClearBelow = 0.05, When = "day", MarginMinutes = 60, ForSeconds = 1800, ClearForSeconds = 300 }),
        new("lamp-abnormal-current", "路灯电流异常", RuleKind.Threshold, "streetlight", "lamp-current", Severity.Minor,
            new() { Signal = "current", Threshold = "abnormalCurrentA" }),

        // Gates: open courtyards without guards.
        new("gate-forced", "门禁被强行打开", RuleKind.EdgeEvent, "gate", "gate-forced", Severity.Critical,
            new() { RaiseOn = ["gateForced"], ClearOn = ["gateClosed"] }),
        new("gate-held-open", "门禁长时间未关", RuleKind.EdgeEvent, "gate", "gate-held-open", Severity.Minor,
            new() { RaiseOn = ["gateHeldOpen"], ClearOn = ["gateClosed"] }),

        // Drainage: water in ground floors and stairwells after rain.
        new("drain-high-water", "排水沟水位过高", RuleKind.Threshold, "drain", "drain-flood", Severity.Major,
            new() { Signal = "level", Threshold = "waterLevelCm" }),
        new("drain-float-switch", "排水沟浮球报警", RuleKind.EdgeEvent, "drain", "drain-flood", Severity.Critical,
            new() { RaiseOn = ["drainHighWater"], ClearOn = ["drainHighWaterCleared"] }),
        new("drain-rising-fast", "排水沟水位快速上涨", RuleKind.RateOfRise, "drain", "drain-rising", Severity.Major,
            new() { Signal = "level", Threshold = "riseRateCmPerMin", WindowMinutes = 10 }),

        // E-bike charging: battery fires in stairwells kill people.
        new("charger-cut-off", "充电桩安全断电", RuleKind.EdgeEvent, "charger", "charger-cut-off", Severity.Critical,
            new() { RaiseOn = ["chargerCutOff"], ClearOn = ["chargerReset"] }),
        new("charger-locked-out", "充电插座锁定", RuleKind.EdgeEvent, "charger", "charger-cut-off", Severity.Critical,
            new() { RaiseOn = ["chargerLockedOut"], ClearOn = ["chargerReset"] }),
        new("charger-sensor-fault", "充电桩安全传感器故障", RuleKind.EdgeEvent, "charger", "charger-sensor-fault", Severity.Critical,
            new() { RaiseOn = ["sensorFault"], ClearOn = ["sensorRecovered"] }),
        new("charger-hot", "充电桩温度偏高", RuleKind.Threshold, "charger", "charger-hot", Severity.Warning,
            new() { Signal = "temperature", Above = 50, ClearBelow = 42, ForSeconds = 60, ClearForSeconds = 300 }),

        // The agents themselves.
        new("agent-offline", "设备离线", RuleKind.Offline, "agent", "agent-offline", Severity.Major,
            new() { GraceSeconds = 300 }),
        new("sensor-stale", "传感器无数据", RuleKind.Stale, "device", "sensor-stale", Severity.Minor,
            new() { MissedSamples = 6, GraceSeconds = 120 }),
        new("agent-outbox-dropping", "设备缓存溢出丢数据", RuleKind.AgentHealth, "agent", "agent-outbox", Severity.Minor,
            new() { Health = "outboxDropping", ClearForSeconds = 1800 }),
        new("agent-flooding", "设备消息过多（账号可能被盗用）", RuleKind.AgentHealth, "agent", "agent-flooding", Severity.Major,
            new() { Health = "agentFlooding" }),
        new("agent-disk-low", "设备存储空间不足", RuleKind.AgentHealth, "agent", "agent-disk", Severity.Minor,
            new() { Health = "diskLow", Limit = 200_000_000 }),
        new("agent-clock-unsynced", "设备时钟长时间未同步", RuleKind.AgentHealth, "agent", "agent-clock", Severity.Warning,
            new() { Health = "clockUnsynced", Limit = 1 }),
    ];
}
