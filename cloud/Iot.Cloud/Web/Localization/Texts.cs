namespace Iot.Cloud.Web.Localization;

/// <summary>
/// Every text of the pages: the English text is the key (and the English page), the Chinese beside it. One table,
/// so a translator sees both languages side by side; a test checks that every text the pages use is here.
/// </summary>
public static class Texts
{
    public static readonly IReadOnlyDictionary<string, string> Chinese = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["{0} d {1} h"] = "{0}天{1}小时",
        ["{0} h {1} min"] = "{0}小时{1}分",
        ["{0} min"] = "{0}分钟",
        ["{0} left"] = "还剩{0}",
        ["{0} overdue"] = "已超时{0}",
        ["{0} ago"] = "{0}前",
        ["Critical"] = "紧急",
        ["Major"] = "重要",
        ["Minor"] = "一般",
        ["Warning"] = "提示",
        ["New"] = "新建",
        ["Assigned"] = "已派单",
        ["In progress"] = "维修中",
        ["Waiting for parts"] = "等待配件",
        ["Fixed"] = "已修复",
        ["Verified"] = "已验收",
        ["Closed"] = "已关闭",
        ["Cancelled"] = "已取消",
        ["Open"] = "未处理",
        ["Acknowledged"] = "已确认",
        ["Cleared"] = "已消除",
        ["Streetlight"] = "路灯",
        ["Gate"] = "门禁",
        ["Drain"] = "排水",
        ["Charger"] = "充电桩",
        ["Courtyard unit"] = "院坝终端",
        ["Sensor"] = "传感器",
        ["Other"] = "其他",
        ["Property staff"] = "物业员工",
        ["Company supervisor"] = "物业主管",
        ["Owning-unit staff"] = "权属单位员工",
        ["Community supervisor"] = "社区监督",
        ["Street office"] = "街道办",
    };
}
