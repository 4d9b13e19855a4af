namespace Iot.Cloud.Commands;

/// <summary>
/// What a person confirms before re-energising a cut-off charging outlet: the cause is gone and it is safe to power.
/// The agent checks what it can measure (temperature, smoke, working sensors); these are what only a person can see.
/// </summary>
public static class Checklist
{
    /// <summary>The items, by key, with their words in the product (Chinese) and in English.</summary>
    public static readonly IReadOnlyList<(string Key, string Chinese, string English)> Items =
    [
        ("batteryRemoved", "电池已移走", "battery removed"),
        ("socketInspected", "插座已检查", "socket inspected"),
        ("noSmellOrSmoke", "无异味无烟", "no smell or smoke"),
    ];

    /// <summary>The keys confirmed in <paramref name="confirmed"/>, in the list's order.</summary>
    public static IReadOnlyList<string> Keys(InspectionChecklist? confirmed) =>
        confirmed is null ? [] : Items.Where(i => confirmed.Has(i.Key)).Select(i => i.Key).ToList();

    /// <summary>The items not confirmed, in the product's words.</summary>
    public static IReadOnlyList<(string Key, string Chinese, string English)> Missing(InspectionChecklist? confirmed) =>
        Items.Where(i => confirmed?.Has(i.Key) != true).ToList();

    /// <summary>Confirmed items in Chinese, for the audit log and the agent's record of the reset.</summary>
    public static string Chinese(IEnumerable<string> keys) =>
        string.Join("、", Items.Where(i => keys.Contains(i.Key)).Select(i => i.Chinese));
}

/// <summary>The inspection checklist of a reset, as the console sends it: each item true once the person confirms it.</summary>
public sealed record InspectionChecklist(bool BatteryRemoved = false, bool SocketInspected = false, bool NoSmellOrSmoke = false)
{
    public bool Has(string key) => key switch
    {
        "batteryRemoved" => BatteryRemoved,
        "socketInspected" => SocketInspected,
        "noSmellOrSmoke" => NoSmellOrSmoke,
        _ => false,
    };
}
