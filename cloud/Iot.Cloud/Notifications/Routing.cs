using Iot.Cloud.Kernel;
using Iot.Cloud.Notifications.Channels;

namespace Iot.Cloud.Notifications;

/// <summary>
/// Who gets what (pure): severity picks the channel — critical goes to the robots and SMS, day or night; major to the
/// robots; minor and warning to the robots' daily digest at 8:00 Kunming time (<see cref="SendAt"/>), and at once to the
/// generic webhook. A critical message mentions the on-duty person; an escalation mentions the party's supervisor.
/// </summary>
public static class Routing
{
    private static readonly HashSet<string> Texted = ["alert.raised", "alert.reraised", "alert.unsilenced", "alert.recovered", "workOrder.created", "workOrder.escalated", "test"];

    /// <summary>Whether <paramref name="channel"/> carries a message of <paramref name="kind"/> and <paramref name="severity"/>.</summary>
    public static bool Carries(ChannelOptions channel, string kind, Severity severity)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (kind == "test")
        {
            return true;
        }

        return severity >= channel.MinSeverity && channel.Kind switch
        {
            ChannelKind.Webhook => true,
            ChannelKind.WeCom or ChannelKind.DingTalk => true,
            ChannelKind.Sms => severity == Severity.Critical && Texted.Contains(kind),
            _ => false,
        };
    }

    /// <summary>When the digest goes out: 8:00 in Kunming.</summary>
    public static readonly TimeOnly DigestAt = new(8, 0);

    /// <summary>
    /// When a message should first be tried: at once, except minor and warning messages on a robot, which wait for the
    /// next 8:00 digest (everything waiting on a robot then goes as one merged message).
    /// </summary>
    public static DateTimeOffset SendAt(ChannelOptions channel, Severity severity, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (channel.Kind is not (ChannelKind.WeCom or ChannelKind.DingTalk) || severity >= Severity.Major)
        {
            return now;
        }

        var local = now.ToOffset(Rota.Kunming);
        var today = new DateTimeOffset(local.Date + DigestAt.ToTimeSpan(), Rota.Kunming);
        return (local < today ? today : today.AddDays(1)).ToUniversalTime();
    }

    /// <summary>Who the message reaches on <paramref name="channel"/>: mobiles to mention or text, or the webhook's host.</summary>
    public static string? Recipient(ChannelOptions channel, RotaOptions? rota, Severity severity, bool escalation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var person = escalation ? rota?.Supervisor ?? Rota.OnDuty(rota, now) : severity == Severity.Critical ? Rota.OnDuty(rota, now) : null;
        return channel.Kind switch
        {
            ChannelKind.Webhook => channel.Url?.Host,
            ChannelKind.Sms => Join(channel.Phones.Prepend(escalation || severity == Severity.Critical ? Rota.OnDuty(rota, now) : null).Append(escalation ? rota?.Supervisor : null)),
            _ => person,
        };
    }

    private static string? Join(IEnumerable<string?> mobiles)
    {
        var list = mobiles.Where(m => !string.IsNullOrWhiteSpace(m)).Distinct().ToList();
        return list.Count == 0 ? null : string.Join(',', list);
    }
}
