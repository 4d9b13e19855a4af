using Iot.Cloud.Kernel;

namespace Iot.Cloud.Patrols;

/// <summary>One thing a patrol round checks in a courtyard, and the work order a failed check becomes.</summary>
/// <param name="Key">The item's id in plans, rounds and the finding's fault (<c>patrol-{key}</c>).</param>
/// <param name="English">What to check, in English (the key of its Chinese text).</param>
/// <param name="Title">The finding's work-order title, in Chinese like the rule names.</param>
/// <param name="Severity">The finding's severity, which sets its service level.</param>
public sealed record PatrolItem(string Key, string English, string Title, Severity Severity);

/// <summary>
/// The checklist items a patrol plan chooses from: the block patrol's usual round (巡查). Flying-wire charging and
/// batteries charged indoors are critical: that is how e-bike fires start.
/// </summary>
public static class PatrolItems
{
    public static IReadOnlyList<PatrolItem> All { get; } =
    [
        new("flying-wire", "Flying-wire charging, batteries charged indoors", "巡查发现：飞线充电或室内充电", Severity.Critical),
        new("fire-lane", "Fire lanes clear, parking in order", "巡查发现：消防通道堵塞或乱停车", Severity.Major),
        new("gate-lock", "Gate and lock work", "巡查发现：门禁或门锁损坏", Severity.Major),
        new("drain-grate", "Drain grates not blocked", "巡查发现：排水篦子堵塞", Severity.Major),
        new("dark-corner", "No dark corners", "巡查发现：照明死角", Severity.Minor),
        new("sanitation", "Sanitation and rubbish points", "巡查发现：环境卫生或垃圾点", Severity.Minor),
        new("facilities", "Public facilities undamaged", "巡查发现：公共设施损坏", Severity.Minor),
    ];

    /// <summary>Every item, in the order a round walks them.</summary>
    public static IReadOnlyList<string> Default { get; } = [.. All.Select(i => i.Key)];

    public static PatrolItem? Find(string? key) => All.FirstOrDefault(i => i.Key == key);

    /// <summary>The fault of a finding: one open work order per item and courtyard.</summary>
    public static string Fault(string key) => $"patrol-{key}";

    /// <summary>The subject of a finding's work order.</summary>
    public static string Subject(string courtyard, string key) => $"{courtyard}/patrol-{key}";
}
