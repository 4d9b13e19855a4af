using System.Globalization;
using System.Text.Json;
using Iot.Cloud.Alerts;
using Iot.Cloud.Kernel;
using Iot.Cloud.WorkOrders;

namespace Iot.Cloud.Notifications;

/// <summary>How a message reads on a phone: short Chinese markdown for the robots, template parameters for SMS.</summary>
public static class MessageText
{
    public static string Words(Severity severity) => severity switch
    {
        Severity.Critical => "紧急",
        Severity.Major => "重要",
        Severity.Minor => "一般",
        _ => "提示",
    };

    public static string Words(AlertChangeKind kind) => kind switch
    {
        AlertChangeKind.Raised => "新告警",
        AlertChangeKind.Reraised => "再次告警",
        AlertChangeKind.Flapping => "频繁起落，暂停提醒",
        AlertChangeKind.Unsilenced => "维护结束仍未恢复",
        _ => kind.ToString(),
    };

    public static string Words(WorkOrderChangeKind kind) => kind switch
    {
        WorkOrderChangeKind.Created => "新工单",
        WorkOrderChangeKind.Reopened => "工单重开",
        WorkOrderChangeKind.Escalated => "工单超时升级",
        WorkOrderChangeKind.Status => "工单状态变化",
        WorkOrderChangeKind.ResidentNotFixed => "居民反映未修好",
        WorkOrderChangeKind.ReportMerged => "又有居民报告",
        WorkOrderChangeKind.Attached => "同一故障再次告警",
        _ => "工单更新",
    };

    public static string Alert(Alert alert, string courtyard, AlertChangeKind kind)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return $"**【{Words(alert.Severity)}】{alert.Title}**\n> {courtyard} · {alert.Subject}\n> {Words(kind)} · {Kunming(alert.LastRaisedAt)}";
    }

    public static string Recovered(Alert alert, string courtyard)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return $"**【已恢复】{alert.Title}**\n> {courtyard} · {alert.Subject}\n> 已恢复 · {Kunming(alert.ClearedAt ?? alert.LastRaisedAt)}";
    }

    public static string Order(WorkOrder order, string courtyard, WorkOrderChangeKind kind)
    {
        ArgumentNullException.ThrowIfNull(order);
        return $"**【{Words(order.Severity)}】{Words(kind)} {order.Number}**\n> {courtyard} · {order.Title}\n> 响应时限 {Kunming(order.AckDueAt)} · 修复时限 {Kunming(order.FixDueAt)}";
    }

    /// <summary>The SMS template's parameters: courtyard, what, order number, what happened (each short: templates cap a parameter's length).</summary>
    public static string SmsParams(string courtyard, string title, string? order, string what) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["courtyard"] = Cap(courtyard), ["title"] = Cap(title), ["order"] = order ?? "-", ["what"] = Cap(what) });

    private static string Kunming(DateTimeOffset at) => at.ToOffset(Rota.Kunming).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Cap(string text) => text.Length <= 20 ? text : text[..20];
}
